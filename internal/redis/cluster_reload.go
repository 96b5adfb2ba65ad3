package redis

import (
	"context"
	"errors"

	goredis "github.com/redis/go-redis/v9"
)

// reloadSlotsOnFailure makes a cluster client read the slot map again as
// soon as a command fails. go-redis re-reads it when a node answers MOVED
// and otherwise once a minute: a primary that died never answers MOVED, so
// without this its slots would keep failing for up to a minute after its
// replica took over. The reload is asynchronous and coalesced by go-redis,
// so a burst of failures costs one CLUSTER SLOTS, not one per command.
type reloadSlotsOnFailure struct{ cluster *goredis.ClusterClient }

func (h reloadSlotsOnFailure) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h reloadSlotsOnFailure) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		h.reloadAfter(ctx, err)
		return err
	}
}

func (h reloadSlotsOnFailure) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		err := next(ctx, cmds)
		h.reloadAfter(ctx, err)
		return err
	}
}

// reloadAfter asks for a reload after any failure but a miss.
func (h reloadSlotsOnFailure) reloadAfter(ctx context.Context, err error) {
	if err != nil && !errors.Is(err, goredis.Nil) {
		h.cluster.ReloadState(ctx)
	}
}
