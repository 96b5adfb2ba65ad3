package browsertest

import (
	"encoding/json"
	"strings"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Open loads path, relative to the base URL, and waits for the load event.
func (b *Browser) Open(path string) {
	b.t.Helper()
	if _, err := run(b, chromedp.Navigate(b.baseURL+path)); err != nil {
		b.Fatalf("opening %s: %v", path, err)
	}
}

// Click clicks the first element the CSS selector matches with the mouse
// at its centre, once it is visible and enabled: a person cannot click a
// disabled button either, and waits for it.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	if _, err := run(b, chromedp.WaitEnabled(chromedp.CSS(sel))); err != nil {
		b.Fatalf("waiting for %s to be enabled: %v", sel, err)
	}
	if _, err := run(b, chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.Fatalf("clicking %s: %v", sel, err)
	}
}

// Type clicks into a field and types text key by key; "\n" presses Enter.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	b.Click(sel)
	if _, err := run(b, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		b.Fatalf("typing into %s: %v", sel, err)
	}
}

// Retype replaces what a field holds: click, select all, type.
func (b *Browser) Retype(sel, text string) {
	b.t.Helper()
	b.Click(sel)
	if _, err := run(b, chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		b.Fatalf("selecting the text of %s: %v", sel, err)
	}
	if _, err := run(b, chromedp.KeyEvent(kb.Delete)); err != nil {
		b.Fatalf("deleting the text of %s: %v", sel, err)
	}
	if _, err := run(b, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		b.Fatalf("typing into %s: %v", sel, err)
	}
}

// WaitVisible waits until an element matching the selector is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	if _, err := run(b, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.Fatalf("waiting for %s to be visible: %v", sel, err)
	}
}

// WaitHidden waits until no element matching the selector is visible.
func (b *Browser) WaitHidden(sel string) {
	b.t.Helper()
	if _, err := run(b, chromedp.WaitNotVisible(chromedp.CSS(sel))); err != nil {
		b.Fatalf("waiting for %s to be hidden: %v", sel, err)
	}
}

// WaitText waits until the text of the element contains want, and returns
// the whole text.
func (b *Browser) WaitText(sel, want string) string {
	b.t.Helper()
	text, err := run(b, chromedp.PollFunction[string](
		`(sel, want) => { const el = document.querySelector(sel); return el && el.textContent.includes(want) && el.textContent; }`,
		chromedp.WithPollingArgs(sel, want), chromedp.WithPollingMutation(),
		chromedp.WithPollingTimeout(actionTimeout)))
	if err != nil {
		b.Fatalf("waiting for %s to say %q: %v; it says %q", sel, want, err, b.Text(sel))
	}
	return strings.TrimSpace(text)
}

// WaitCount waits until exactly n elements match the selector.
func (b *Browser) WaitCount(sel string, n int) {
	b.t.Helper()
	_, err := run(b, chromedp.PollFunction[bool](
		`(sel, n) => document.querySelectorAll(sel).length === n`,
		chromedp.WithPollingArgs(sel, n), chromedp.WithPollingMutation(),
		chromedp.WithPollingTimeout(actionTimeout)))
	if err != nil {
		b.Fatalf("waiting for %d elements %s: %v; there are %d", n, sel, err, b.Count(sel))
	}
}

// Text returns the element's text now, trimmed; "" when there is none.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(Eval[string](b, `((sel) => document.querySelector(sel)?.textContent ?? "")(`+jsString(sel)+`)`))
}

// Count returns how many elements match the selector now.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	return Eval[int](b, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// Eval evaluates JavaScript in the page, awaits a promise result, and
// decodes the value into T.
func Eval[T any](b *Browser, expression string) T {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatalf("evaluating %s: %v", expression, err)
	}
	return v
}

// Viewport resizes the page's viewport, e.g. to a phone's width.
func (b *Browser) Viewport(width, height int64) {
	b.t.Helper()
	if _, err := run(b, chromedp.EmulateViewport(width, height)); err != nil {
		b.Fatalf("resizing the viewport: %v", err)
	}
}

// jsString quotes s as a JavaScript string literal (JSON's escaping also
// covers the line separators JavaScript rejects in literals).
func jsString(s string) string {
	quoted, _ := json.Marshal(s) // a string always marshals
	return string(quoted)
}

// BeforeEachDocument runs script in every document the tab loads from now
// on, before the document's own scripts (e.g. to take an API away).
func (b *Browser) BeforeEachDocument(script string) {
	b.t.Helper()
	if _, err := call(b, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: script,
	}); err != nil {
		b.Fatalf("adding a script for new documents: %v", err)
	}
}
