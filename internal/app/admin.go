package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
)

// adminServer serves the runtime profiles (net/http/pprof) when
// AXUM_ADMIN_BIND_ADDR is set. They get a mux and a listener of their own,
// never the public router: profiles reveal internals and a CPU profile
// holds a request open for its whole duration, so the address should stay
// on loopback or a private network.
type adminServer struct {
	srv  *http.Server
	addr string
}

// adminMux routes the pprof handlers. It is built by hand rather than taken
// from http.DefaultServeMux, where importing net/http/pprof also puts them.
func adminMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startAdmin listens on addr and serves the profiles in the background; nil
// when addr is empty (the default: off).
func startAdmin(ctx context.Context, addr string, log *slog.Logger) (*adminServer, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s (AXUM_ADMIN_BIND_ADDR): %w", addr, err)
	}
	// No write timeout: a CPU profile or trace answers only after the
	// ?seconds it was asked to record.
	srv := &http.Server{
		Handler:           adminMux(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	a := &adminServer{srv: srv, addr: ln.Addr().String()}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "err", err)
		}
	}()
	log.Warn("profiling handlers listening: keep this address private", "addr", a.addr)
	return a, nil
}

// stop closes the admin listener at once; a profile being recorded is cut
// short, as it is of no use once the service stops.
func (a *adminServer) stop() {
	if a != nil {
		_ = a.srv.Close()
	}
}
