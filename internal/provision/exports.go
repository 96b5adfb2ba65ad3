package provision

import (
	"fmt"
	"strings"
)

// Exports are the shell lines that hand the URLs to a shell (eval "$(…)"):
// DATABASE_URL and REDIS_URL, and for the tests TEST_DATABASE_URL (the same
// server, its administrative database postgres) and TEST_REDIS_URL.
func Exports(urls URLs) (string, error) {
	admin, err := WithDatabase(urls.Database, "postgres")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, kv := range [][2]string{
		{"DATABASE_URL", urls.Database},
		{"REDIS_URL", urls.Redis},
		{"TEST_DATABASE_URL", admin},
		{"TEST_REDIS_URL", urls.Redis},
	} {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], ShellQuote(kv[1]))
	}
	return b.String(), nil
}

// ShellQuote single-quotes s for a POSIX shell: every ' becomes '\”.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
