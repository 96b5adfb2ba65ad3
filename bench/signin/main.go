// Command signin is a load driver for passkey sign-in. It registers -users
// accounts, each with its own software ES256 passkey (internal/authtest,
// real signatures), then for -duration runs -concurrency workers that each
// repeat a full username-first sign-in: POST /webauthn/auth/start, sign the
// challenge, POST /webauthn/auth/finish. It prints one JSON object
// (sign-ins, seconds, sign-ins per second, p50 and p99 of a whole sign-in,
// errors) for bench/run, which runs it against a service started with
// AXUM_RATE_LIMIT_PER_MIN=0.
//
// The latency of a sign-in includes the client's signature (tens of
// microseconds), as it would in a browser.
//
//	signin -url http://127.0.0.1:3000 -origin http://localhost:3000 -concurrency 64 -duration 10s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"movieapi/bench/internal/stats"
	"movieapi/internal/authtest"
)

// target is the service under load, as authtest's HTTP helpers see it.
type target struct {
	base, origin string
	client       *http.Client
}

func (t target) Endpoint() string         { return t.base }
func (t target) HTTPClient() *http.Client { return t.client }
func (t target) PageOrigin() string       { return t.origin }

// account is one registered user and the only passkey it has.
type account struct {
	username string
	passkey  *authtest.Passkey
}

func main() {
	base := flag.String("url", "http://127.0.0.1:3000", "base URL of the service")
	origin := flag.String("origin", "http://localhost:3000", "page origin (one of AXUM_WEBAUTHN_ORIGIN)")
	users := flag.Int("users", 0, "accounts to register (default: -concurrency)")
	concurrency := flag.Int("concurrency", 64, "concurrent sign-ins")
	duration := flag.Duration("duration", 10*time.Second, "how long to run sign-ins")
	prefix := flag.String("prefix", fmt.Sprintf("bench%d-", os.Getpid()), "username prefix")
	flag.Parse()
	if *users == 0 {
		*users = *concurrency
	}
	if *concurrency < 1 || *users < *concurrency {
		fail(errors.New("-concurrency must be at least 1 and -users at least -concurrency (a passkey is used by one worker)"))
	}
	t := target{base: *base, origin: *origin, client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency * 2},
	}}

	accounts, err := registerAll(t, *prefix, *users)
	if err != nil {
		fail(err)
	}
	r := run(t, accounts, *concurrency, *duration)
	err = json.NewEncoder(os.Stdout).Encode(summary{
		Requests: r.ok, Seconds: r.elapsed.Seconds(), RPS: float64(r.ok) / r.elapsed.Seconds(),
		P50ms: stats.Ms(stats.Percentile(r.latencies, 0.50)), P99ms: stats.Ms(stats.Percentile(r.latencies, 0.99)), Errors: r.errors,
	})
	if err != nil {
		fail(err)
	}
	if r.firstError != nil {
		fmt.Fprintf(os.Stderr, "signin: first error: %v\n", r.firstError)
	}
}

// registerAll creates the accounts, a few at a time.
func registerAll(t target, prefix string, n int) ([]account, error) {
	accounts := make([]account, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range accounts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			a := account{username: fmt.Sprintf("%s%d", prefix, i), passkey: authtest.NewPasskey(authtest.ES256, t.origin)}
			accounts[i], errs[i] = a, register(t, a)
		})
	}
	wg.Wait()
	return accounts, errors.Join(errs...)
}

func register(t target, a account) error {
	ctx := context.Background()
	start, err := post(ctx, t, "/webauthn/register/start", map[string]string{"username": a.username})
	if err != nil {
		return err
	}
	credential, err := a.passkey.Attest(start)
	if err != nil {
		return err
	}
	_, err = post(ctx, t, "/webauthn/register/finish", authtest.FinishRequest(a.username, credential))
	return err
}

// signIn is one whole username-first sign-in.
func signIn(ctx context.Context, t target, a account) error {
	start, err := post(ctx, t, "/webauthn/auth/start", map[string]string{"username": a.username})
	if err != nil {
		return err
	}
	credential, err := a.passkey.Assert(start)
	if err != nil {
		return err
	}
	answer, err := post(ctx, t, "/webauthn/auth/finish", authtest.FinishRequest(a.username, credential))
	if err != nil {
		return err
	}
	var session struct {
		Token string `json:"session_token"`
	}
	if json.Unmarshal(answer, &session) != nil || session.Token == "" {
		return fmt.Errorf("auth/finish answered no session token: %s", answer)
	}
	return nil
}

func post(ctx context.Context, t target, path string, body any) ([]byte, error) {
	status, answer, err := authtest.Post(ctx, t, path, body, "")
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("POST %s: %d %s", path, status, answer)
	}
	return answer, nil
}

// summary is what the driver prints: sign-ins that succeeded, the run's
// length, their rate and latency percentiles, and failed sign-ins.
type summary struct {
	Requests int64   `json:"requests"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Errors   int64   `json:"errors"`
}

type result struct {
	ok, errors int64
	elapsed    time.Duration
	latencies  []time.Duration
	firstError error
}

// run lets each worker sign its own accounts in, round robin, until the
// duration is over; sign-ins under way then finish and are counted.
func run(t target, accounts []account, workers int, d time.Duration) result {
	var stop atomic.Bool
	var mu sync.Mutex
	var r result
	var wg sync.WaitGroup
	began := time.Now()
	time.AfterFunc(d, func() { stop.Store(true) })
	for w := range workers {
		wg.Go(func() {
			var lat []time.Duration
			var ok, bad int64
			var first error
			for i := w; !stop.Load(); i += workers {
				if i >= len(accounts) {
					i = w
				}
				t0 := time.Now()
				if err := signIn(context.Background(), t, accounts[i]); err != nil {
					bad++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
				ok++
			}
			mu.Lock()
			defer mu.Unlock()
			r.ok, r.errors = r.ok+ok, r.errors+bad
			r.latencies = append(r.latencies, lat...)
			if r.firstError == nil {
				r.firstError = first
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(began)
	slices.Sort(r.latencies)
	return r
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "signin:", err)
	os.Exit(1)
}
