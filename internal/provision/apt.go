package provision

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
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
// apt-get update first (once per process), without recommended packages.
type Apt struct {
	// Logf reports each step (nil: silent).
	Logf func(format string, args ...any)
}

// dpkg is one per machine, so installs are serialised per process (tests
// each make their own Apt) and apt-get waits for another process's lock
// instead of failing.
var (
	aptMu      sync.Mutex
	aptUpdated bool
)

// dpkgLockWait is how long apt-get waits for another install to finish.
const dpkgLockWait = "DPkg::Lock::Timeout=300"

// Need installs the packages of the commands of reqs that are not in PATH.
func (a *Apt) Need(ctx context.Context, reqs ...Requirement) error {
	var missing []string
	for _, r := range reqs {
		if _, err := exec.LookPath(r.Command); err != nil && !slices.Contains(missing, r.Package) {
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
	aptMu.Lock()
	defer aptMu.Unlock()
	if !aptUpdated {
		a.logf("apt-get update")
		if err := aptGet(ctx, "update", "-qq"); err != nil {
			return err
		}
		aptUpdated = true
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
	cmd := exec.CommandContext(ctx, "apt-get", append([]string{"-o", dpkgLockWait}, args...)...)
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
