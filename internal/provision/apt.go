package provision

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// Requirement is a command and the Debian package that provides it.
type Requirement struct {
	Command, Package string
}

// ParseRequirement reads COMMAND:PACKAGE (or COMMAND alone, when the package
// has the command's name).
func ParseRequirement(s string) (Requirement, error) {
	command, pkg, found := strings.Cut(s, ":")
	if !found {
		pkg = command
	}
	if command == "" || pkg == "" || strings.ContainsAny(s, " \t/") {
		return Requirement{}, fmt.Errorf("%q: want COMMAND:PACKAGE, e.g. redis-server:redis-server", s)
	}
	return Requirement{Command: command, Package: pkg}, nil
}

// Apt installs the Debian packages of missing commands: as root only, with
// apt-get update first (once per Apt), without recommended packages.
type Apt struct {
	// Logf reports each step (nil: silent).
	Logf func(format string, args ...any)

	mu      sync.Mutex
	updated bool
}

// Need installs the packages of the commands of reqs that are not in PATH.
func (a *Apt) Need(ctx context.Context, reqs ...Requirement) error {
	var missing []string
	for _, r := range reqs {
		if _, err := exec.LookPath(r.Command); err != nil && !contains(missing, r.Package) {
			missing = append(missing, r.Package)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return a.Install(ctx, missing...)
}

// Command is the path of command, installing pkg first when it is missing.
func (a *Apt) Command(ctx context.Context, command, pkg string) (string, error) {
	if err := a.Need(ctx, Requirement{Command: command, Package: pkg}); err != nil {
		return "", err
	}
	path, err := exec.LookPath(command)
	if err != nil {
		return "", fmt.Errorf("%s not found after installing %s", command, pkg)
	}
	return path, nil
}

// Install runs apt-get install for packages. Without root or apt-get it
// fails with a message naming them.
func (a *Apt) Install(ctx context.Context, packages ...string) error {
	list := strings.Join(packages, " ")
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return fmt.Errorf("missing %s: install it (Debian: sudo apt-get install %s) and try again", list, list)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.updated {
		a.logf("apt-get update")
		if err := aptGet(ctx, "update", "-qq"); err != nil {
			return err
		}
		a.updated = true
	}
	a.logf("apt-get install %s", list)
	return aptGet(ctx, append([]string{"install", "-y", "-qq", "--no-install-recommends"}, packages...)...)
}

func (a *Apt) logf(format string, args ...any) {
	if a.Logf != nil {
		a.Logf(format, args...)
	}
}

// aptGet runs apt-get non-interactively; its output goes into the error.
func aptGet(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("apt-get %s: %w\n%s", args[0], err, lastLines(string(out), 20))
	}
	return nil
}

// lastLines is the end of a command's output, for an error message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
