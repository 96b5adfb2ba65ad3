package provision

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// debianBinGlob is where Debian installs the server binaries, one directory
// per major version.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// serverBinaries must all be in the directory PostgresBinDir returns.
var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// PostgresBinDir finds the directory of the server binaries (initdb, pg_ctl,
// postgres): explicit when not "" (POSTGRES_BINDIR), else on PATH (Homebrew,
// Nix, distributions that link them into /usr/bin), else where pg_config
// says, else the newest of Debian's versioned directories.
func PostgresBinDir(ctx context.Context, explicit string) (string, error) {
	var candidates []string
	if explicit != "" {
		candidates = append(candidates, explicit)
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		candidates = append(candidates, filepath.Dir(initdb))
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	debian, _ := filepath.Glob(debianBinGlob) // the pattern is valid
	sort.Slice(debian, func(i, j int) bool { return majorVersion(debian[i]) > majorVersion(debian[j]) })
	candidates = append(candidates, debian...)
	for _, dir := range candidates {
		if hasServerBinaries(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (%s) on PATH, from pg_config or in %s; "+
		"install them (Debian: apt-get install postgresql; macOS: brew install postgresql)",
		strings.Join(serverBinaries, ", "), debianBinGlob)
}

// PostgresBinDirOrInstall is PostgresBinDir, installing Debian's postgresql
// package (with apt) when no binaries are found.
func PostgresBinDirOrInstall(ctx context.Context, apt *Apt, explicit string) (string, error) {
	if dir, err := PostgresBinDir(ctx, explicit); err == nil {
		return dir, nil
	}
	if err := apt.Install(ctx, "postgresql"); err != nil {
		return "", err
	}
	return PostgresBinDir(ctx, explicit)
}

func hasServerBinaries(dir string) bool {
	for _, name := range serverBinaries {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// majorVersion reads 15 from /usr/lib/postgresql/15/bin (0 if not a number).
func majorVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}
