package testenv

import (
	"os/exec"
	"strings"
	"testing"
)

// VersionMarker starts the log line naming the version of each engine a
// test runs (redis-server, pgbouncer, haproxy, …); scripts/test-all.sh
// shows these lines in its summary.
const VersionMarker = "engine version:"

// logVersion logs the first line binary prints when asked for its version.
func logVersion(t testing.TB, binary string, args ...string) {
	t.Helper()
	out, err := exec.Command(binary, args...).CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil {
		line = "unknown (" + err.Error() + ")"
	}
	t.Logf("%s %s: %s", VersionMarker, binary, line)
}
