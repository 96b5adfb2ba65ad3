package dotenv_test

import (
	"os"
	"path/filepath"
	"testing"

	"movieapi/internal/dotenv"
)

func TestLayerEnvironmentWinsThenFilesInOrder(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, ".env")
	second := filepath.Join(dir, ".env.example")
	write(t, first, "export A='from .env' # comment\nB=\n")
	write(t, second, "A=from example\nB=\"example b\"\nC=example c\n")
	env := map[string]string{"C": "from environment"}
	getenv, err := dotenv.Layer(func(k string) string { return env[k] }, first)
	if err != nil {
		t.Fatal(err)
	}
	getenv, err = dotenv.Layer(getenv, second)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"A": "from .env", "B": "example b", "C": "from environment", "D": ""} {
		if got := getenv(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
}

func TestLayerMissingFileIsNoError(t *testing.T) {
	getenv, err := dotenv.Layer(func(string) string { return "x" }, filepath.Join(t.TempDir(), "absent"))
	if err != nil || getenv("K") != "x" {
		t.Fatalf("got %v, %q", err, getenv("K"))
	}
}

func TestLayerUnreadableFileIsAnError(t *testing.T) {
	if _, err := dotenv.Layer(os.Getenv, t.TempDir()); err == nil { // a directory
		t.Fatal("no error for a directory")
	}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
