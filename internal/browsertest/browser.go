package browsertest

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser the tests drive: Debian's package.
const ChromiumPath = "/usr/bin/chromium"

// actionTimeout bounds each wait and action. It only stops a test that would
// otherwise hang; passing never depends on how fast the page is.
const actionTimeout = 20 * time.Second

// Browser is one headless Chromium with a fresh profile and one tab.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	baseURL string
	console *pageErrors
	// shot is set once Fatalf has saved a screenshot.
	shot atomic.Bool
}

// Start launches Chromium for the calling test with a fresh profile and the
// WebAuthn domain enabled (no authenticator yet), and closes it when the
// test ends. Paths given to Open are relative to baseURL.
func Start(t testing.TB, baseURL string) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped under -short")
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("browser tests need Chromium at %s (%v): install it with "+
			"`apt-get update && apt-get install -y chromium`, "+
			"or run `go test -short` to leave the browser tests out", ChromiumPath, err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 800),
	)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser to exit, before the profile goes
	})
	// The first action starts the browser; it runs without a deadline
	// because a deadline on it would bind the browser's lifetime.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	b := &Browser{t: t, ctx: ctx, baseURL: strings.TrimSuffix(baseURL, "/"), console: &pageErrors{}}
	b.console.collect(ctx)
	if _, err := call(b, webauthn.Enable, webauthn.EnableParams{EnableUI: new(false)}); err != nil {
		t.Fatalf("enabling the WebAuthn domain: %v", err)
	}
	t.Cleanup(b.afterTest)
	return b
}

// afterTest fails the test on a script error or a Content-Security-Policy
// violation the page logged, and keeps a screenshot of any failed test
// whose failure did not come through Fatalf (which takes its own).
func (b *Browser) afterTest() {
	for _, msg := range b.console.list() {
		b.t.Errorf("the page logged an error: %s", msg)
	}
	if b.t.Failed() && !b.shot.Load() {
		if path, err := b.saveScreenshot(); err == nil {
			b.t.Logf("screenshot of the page when the test failed: %s", path)
		}
	}
}

// run runs one action with the per-action deadline.
func run[T any](b *Browser, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// call sends one protocol command to the tab with the per-action deadline.
func call[P, R any](b *Browser, cmd cdp.Command[P, R], params P) (R, error) {
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	return chromedp.Call(ctx, cmd, params)
}

// pageErrors collects what the page logs that a test must not ignore:
// uncaught exceptions and blocked inline code.
type pageErrors struct {
	mu       sync.Mutex
	messages []string
}

func (p *pageErrors) collect(ctx context.Context) {
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			text := m.String()
			if m.IsException() || strings.Contains(text, "Content Security Policy") {
				p.mu.Lock()
				p.messages = append(p.messages, text)
				p.mu.Unlock()
			}
		}
	}()
}

func (p *pageErrors) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.messages...)
}
