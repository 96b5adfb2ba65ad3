package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"movieapi/internal/passkeys"
)

// eventPruneInterval is how often each instance runs the retention task.
// Every instance runs it (no instance is special); the task's advisory
// lock lets one do the work while the others find nothing to do.
const eventPruneInterval = time.Hour

// startEventPruning deletes security events older than retention now and
// then every eventPruneInterval, until the returned stop is called.
func startEventPruning(pk *passkeys.Service, retention time.Duration, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		ticker := time.NewTicker(eventPruneInterval)
		defer ticker.Stop()
		for {
			n, err := pk.PruneEvents(ctx, retention)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("pruning old security events failed; retrying at the next interval", "err", err)
			case n > 0:
				log.Info("old security events pruned", "deleted", n, "retention", retention)
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}
