package provision

import "testing"

func TestParseRequirement(t *testing.T) {
	for in, want := range map[string]Requirement{
		"redis-server:redis-server": {"redis-server", "redis-server"},
		"redis-cli:redis-tools":     {"redis-cli", "redis-tools"},
		"haproxy":                   {"haproxy", "haproxy"},
	} {
		if got, err := ParseRequirement(in); err != nil || got != want {
			t.Errorf("ParseRequirement(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ":pkg", "cmd:", "a b:c", "/usr/bin/x:x"} {
		if _, err := ParseRequirement(bad); err == nil {
			t.Errorf("ParseRequirement(%q): no error", bad)
		}
	}
}

func TestNeedWithNothingMissingInstallsNothing(t *testing.T) {
	var logged []string
	a := &Apt{Logf: func(f string, _ ...any) { logged = append(logged, f) }}
	if err := a.Need(t.Context(), Requirement{"sh", "dash"}); err != nil || len(logged) != 0 {
		t.Fatalf("Need(sh) = %v, logged %v", err, logged)
	}
}
