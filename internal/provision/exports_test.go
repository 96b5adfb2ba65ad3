package provision

import (
	"os/exec"
	"strings"
	"testing"
)

func TestExports(t *testing.T) {
	got, err := Exports(URLs{
		Database: "postgres://postgres@127.0.0.1:55432/movieapi?sslmode=disable",
		Redis:    "redis://127.0.0.1:56379/0",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "export DATABASE_URL='postgres://postgres@127.0.0.1:55432/movieapi?sslmode=disable'\n" +
		"export REDIS_URL='redis://127.0.0.1:56379/0'\n" +
		"export TEST_DATABASE_URL='postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable'\n" +
		"export TEST_REDIS_URL='redis://127.0.0.1:56379/0'\n"
	if got != want {
		t.Errorf("Exports:\n%s\nwant:\n%s", got, want)
	}
}

// A shell must read back exactly the value that was quoted, whatever it holds.
func TestShellQuoteRoundTrips(t *testing.T) {
	sh, err := exec.LookPath("sh") // make itself needs a shell
	if err != nil {
		t.Fatalf("a POSIX shell to read the quoting back: %v", err)
	}
	for _, v := range []string{"", "plain", "it's", "'", "a'b'c", `$HOME "x" \n ; $(id) ` + "`id`", "p@ss:w'rd%20"} {
		out, err := exec.Command(sh, "-c", "printf %s "+ShellQuote(v)).Output()
		if err != nil || string(out) != v {
			t.Errorf("ShellQuote(%q) reads back as %q (%v)", v, out, err)
		}
	}
	if q := ShellQuote("it's"); !strings.HasPrefix(q, "'") || q != `'it'\''s'` {
		t.Errorf("ShellQuote(it's) = %s", q)
	}
}
