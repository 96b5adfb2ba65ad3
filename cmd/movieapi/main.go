// Command movieapi is the movie API with passkeys. Everything happens in
// app.Run; main only turns signals into a cancelled context and an error
// into an exit status.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"movieapi/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "movieapi:", err)
		os.Exit(1)
	}
}
