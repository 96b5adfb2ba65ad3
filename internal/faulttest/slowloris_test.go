package faulttest

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"movieapi/internal/apitest"
	"movieapi/internal/app"
	"movieapi/internal/testenv"
)

// Slow-header clients, and how slowly they trickle. The bound only stops a
// test whose connection is never closed; it is several header timeouts.
const (
	slowClients   = 3
	trickleEvery  = 500 * time.Millisecond
	slowlorisHang = 6 * app.ReadHeaderTimeout
)

// Clients that trickle their request headers one byte at a time are cut off
// by the server's header timeout (app.ReadHeaderTimeout) and cannot hold a
// connection open, while requests on other connections keep being served.
func TestSlowHeadersAreCutOff(t *testing.T) {
	testenv.RequireIntegration(t)
	cfg := apitest.DefaultConfig(t)
	leaks := beginLeakCheck()
	t.Run("serve", func(t *testing.T) {
		srv := apitest.StartWith(t, cfg)
		c := newClient(t, srv)
		addr := strings.TrimPrefix(srv.URL, "http://")

		closed := make(chan slowResult, slowClients)
		for range slowClients {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = conn.Close() })
			go trickleHeaders(conn, closed)
		}

		hang := time.NewTimer(slowlorisHang)
		defer hang.Stop()
		pace := time.NewTicker(100 * time.Millisecond)
		defer pace.Stop()
		served := 0
		for ended := 0; ended < slowClients; {
			if a := c.do(http.MethodGet, "/health", nil); a.err != nil || a.status != http.StatusOK {
				t.Fatalf("a normal request while slow clients are connected: %d %v", a.status, a.err)
			}
			served++
			select {
			case r := <-closed:
				ended++
				if !r.closedByServer() {
					t.Errorf("slow client: the connection ended with %v, not closed by the server", r.err)
				}
				if strings.HasPrefix(r.answer, "HTTP/1.1 2") {
					t.Errorf("slow client got a success answer to an unfinished request: %q", r.answer)
				}
				t.Logf("slow client cut off after trickling %d header bytes (answer: %q)", r.sent, r.answer)
			case <-hang.C:
				t.Fatalf("%d of %d slow clients still connected after %v", slowClients-ended, slowClients, slowlorisHang)
			case <-pace.C:
			}
		}
		t.Logf("%d normal requests served while slow clients were connected", served)
	})
	leaks.goroutinesBack(t)
	postgresSessionsGone(t, cfg.DatabaseURL)
}

// slowResult is how a slow connection ended.
type slowResult struct {
	err    error  // the read error that ended it
	answer string // whatever the server wrote before closing
	sent   int    // header bytes trickled
}

// closedByServer: the server hung up (EOF or reset), rather than our own
// read deadline expiring.
func (r slowResult) closedByServer() bool {
	return errors.Is(r.err, io.EOF) || errors.Is(r.err, syscall.ECONNRESET)
}

// trickleHeaders starts a request whose headers never end, sending one byte
// every trickleEvery, until the server closes the connection.
func trickleHeaders(conn net.Conn, done chan<- slowResult) {
	_ = conn.SetReadDeadline(time.Now().Add(slowlorisHang))
	readDone := make(chan slowResult, 1)
	go func() {
		var answer strings.Builder
		_, err := io.Copy(&answer, conn) // returns nil on EOF
		if err == nil {
			err = io.EOF
		}
		readDone <- slowResult{err: err, answer: answer.String()}
	}()
	header := "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
	pace := time.NewTicker(trickleEvery)
	defer pace.Stop()
	sent := 0
	for {
		b := byte('a')
		if sent < len(header) {
			b = header[sent]
		}
		if _, err := conn.Write([]byte{b}); err == nil {
			sent++
		}
		select {
		case r := <-readDone:
			r.sent = sent
			done <- r
			return
		case <-pace.C:
		}
	}
}
