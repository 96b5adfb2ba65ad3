// Command dev provides PostgreSQL and Redis for running and testing movieapi
// (internal/provision):
//
//	dev up                          make sure both answer; print the URLs as shell exports
//	dev down [--purge]              stop what up started; --purge removes .data/
//	dev need COMMAND:PACKAGE ...    install the Debian packages of missing commands
//	dev fleet up|down               a local fleet: instances behind HAProxy, PgBouncer, Redis
//	                                (FLEET_REDIS, FLEET_*_PORT: see docs/operations.md)
//
// Progress goes to stderr, prefixed [services]; only up writes to stdout:
//
//	eval "$(go run ./cmd/dev up)"
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"movieapi/internal/provision"
)

const usage = "usage: dev up | down [--purge] | need COMMAND:PACKAGE [COMMAND:PACKAGE ...] | fleet up|down"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%serror: %v\n", prefix(os.Args[1:]), err)
		os.Exit(1)
	}
}

// prefix starts every line of progress on stderr.
func prefix(args []string) string {
	if len(args) > 0 && args[0] == "fleet" {
		return "[fleet] "
	}
	return "[services] "
}

func run(ctx context.Context, args []string) error {
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(os.Stderr, prefix(args)+format+"\n", a...) }
	p := &provision.Provisioner{Root: provision.FindRoot(cwd), Getenv: os.Getenv, Logf: logf}
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "up" && len(rest) == 0:
		urls, err := p.Up(ctx)
		if err != nil {
			return err
		}
		exports, err := provision.Exports(urls)
		if err != nil {
			return err
		}
		_, err = fmt.Print(exports)
		return err
	case cmd == "down" && (len(rest) == 0 || len(rest) == 1 && rest[0] == "--purge"):
		if err := p.Down(ctx); err != nil || len(rest) == 0 {
			return err
		}
		return p.Purge(ctx)
	case cmd == "need" && len(rest) > 0:
		var reqs []provision.Requirement
		for _, arg := range rest {
			r, err := provision.ParseRequirement(arg)
			if err != nil {
				return err
			}
			reqs = append(reqs, r)
		}
		return (&provision.Apt{Logf: logf}).Need(ctx, reqs...)
	case cmd == "fleet" && len(rest) == 1 && (rest[0] == "up" || rest[0] == "down"):
		f, err := provision.NewFleet(p)
		if err != nil {
			return err
		}
		if rest[0] == "down" {
			return f.FleetDown()
		}
		return f.FleetUp(ctx)
	default:
		return errors.New(usage)
	}
}
