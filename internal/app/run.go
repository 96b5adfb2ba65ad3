// Package app is the composition root: it reads the configuration, connects
// the backends, wires the concrete adapters into the services and the HTTP
// layer, and runs the subcommands. It is the only package that knows every
// concrete type.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"movieapi/internal/dotenv"
)

// version is set at build time with -ldflags "-X movieapi/internal/app.version=…".
var version = "dev"

const usage = `usage: movieapi [command]

commands:
  serve                  run the HTTP service (default)
  migrate up|down|version
                         apply, roll back (one step) or show database migrations
  healthcheck [--full]   exit 0 when a running instance answers /health, else 1
  version                print the version
`

// Run executes one subcommand. getenv reads the environment (a .env file in
// the working directory is merged underneath it); stdout receives logs and
// command output.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	getenv, err := dotenv.Layer(getenv, ".env")
	if err != nil {
		return err
	}
	cmd, rest := "serve", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, getenv, stdout)
	case "migrate":
		return migrate(ctx, rest, getenv, stdout)
	case "healthcheck":
		return healthcheck(ctx, rest, getenv, stdout)
	case "version", "--version", "-v":
		_, err := fmt.Fprintf(stdout, "movieapi %s (%s)\n", version, runtime.Version())
		return err
	case "help", "--help", "-h":
		_, err := io.WriteString(stdout, usage)
		return err
	}
	return errors.New("unknown command " + quote(cmd) + "\n" + usage)
}

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }
