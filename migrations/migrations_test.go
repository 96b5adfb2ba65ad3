package migrations_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4/source/iofs"

	"movieapi/migrations"
)

// TestEveryVersionHasUpAndDown walks the files the way golang-migrate does and
// checks the versions run 1, 2, 3… without gaps, each with a non-empty up and
// down script, so `migrate down` can always undo what `up` did.
func TestEveryVersionHasUpAndDown(t *testing.T) {
	t.Parallel()
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatalf("golang-migrate cannot read the embedded files: %v", err)
	}
	defer src.Close()

	version, err := src.First()
	if err != nil {
		t.Fatalf("no first migration: %v", err)
	}
	want := uint(1)
	for {
		if version != want {
			t.Fatalf("migration version %d follows %d; versions must be contiguous", version, want-1)
		}
		for direction, read := range map[string]func(uint) (io.ReadCloser, string, error){
			"up": src.ReadUp, "down": src.ReadDown,
		} {
			body, _, err := read(version)
			if err != nil {
				t.Fatalf("version %d has no %s script: %v", version, direction, err)
			}
			text, err := io.ReadAll(body)
			body.Close()
			if err != nil || strings.TrimSpace(string(text)) == "" {
				t.Fatalf("version %d %s script is empty or unreadable (%v)", version, direction, err)
			}
		}
		next, err := src.Next(version)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			t.Fatalf("after version %d: %v", version, err)
		}
		version, want = next, want+1
	}
	if version < 2 {
		t.Fatalf("expected at least the movies and passkeys migrations, last version is %d", version)
	}
}

// TestOnlyMigrationFilesAreEmbedded guards against a stray file that
// golang-migrate would reject at startup.
func TestOnlyMigrationFilesAreEmbedded(t *testing.T) {
	t.Parallel()
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".up.sql") && !strings.HasSuffix(name, ".down.sql") {
			t.Errorf("unexpected embedded file %q", name)
		}
	}
}
