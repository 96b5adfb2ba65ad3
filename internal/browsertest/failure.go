package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/chromedp/chromedp"
)

// Fatalf saves a full-page screenshot and fails the test with the message
// and the screenshot's path. Screenshots go to a folder of their own under
// the system's temporary directory, which outlives the test.
func (b *Browser) Fatalf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	path, err := b.saveScreenshot()
	if err != nil {
		b.t.Fatalf("%s\n(no screenshot: %v)", msg, err)
	}
	b.shot.Store(true)
	b.t.Fatalf("%s\nscreenshot of the page: %s", msg, path)
}

var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// saveScreenshot writes a full-page PNG and returns its path.
func (b *Browser) saveScreenshot() (string, error) {
	png, err := run(b, chromedp.FullScreenshot(100))
	if err != nil {
		return "", fmt.Errorf("taking the screenshot: %w", err)
	}
	dir, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, unsafeInName.ReplaceAllString(b.t.Name(), "_")+".png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// SaveScreenshot writes a full-page PNG of what the page shows now to path
// (for documentation).
func (b *Browser) SaveScreenshot(path string) {
	b.t.Helper()
	png, err := run(b, chromedp.FullScreenshot(100))
	if err != nil {
		b.Fatalf("taking a screenshot for %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o600); err != nil {
		b.t.Fatalf("writing %s: %v", path, err)
	}
}
