package testenv

import (
	"testing"

	"movieapi/internal/provision"
)

// newApt installs missing engines for a test (as root, with apt-get; else
// the error names the package), logging to the test.
func newApt(t testing.TB) *provision.Apt {
	return &provision.Apt{Logf: t.Logf}
}

// engine is the path of command, installing its Debian package pkg first
// when it is missing; the test fails when that is not possible.
func engine(t testing.TB, command, pkg string) string {
	t.Helper()
	path, err := newApt(t).Command(t.Context(), command, pkg)
	if err != nil {
		t.Fatalf("testenv: %s: %v", command, err)
	}
	return path
}
