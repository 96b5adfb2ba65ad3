package provision

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Down stops what Up started (project-local instances, docker compose),
// never a service that was already running.
func (p *Provisioner) Down(ctx context.Context) error {
	pgStopped, pgErr := p.stopLocalPostgres(ctx)
	redisStopped, redisErr := p.stopLocalRedis()
	stopped := pgStopped || redisStopped
	var composeErr error
	if _, err := os.Stat(p.composeMarker()); err == nil {
		if p.dockerAnswers(ctx) {
			p.logf("docker compose down")
			if composeErr = p.compose(ctx, nil, "down"); composeErr == nil {
				composeErr = os.Remove(p.composeMarker())
				stopped = true
			}
		} else {
			p.logf("services were started with docker compose, but no Docker engine answers now")
		}
	}
	if !stopped && pgErr == nil && redisErr == nil && composeErr == nil {
		p.logf("nothing to stop: no project-local instance runs and docker compose was not used")
	}
	return errors.Join(pgErr, redisErr, composeErr)
}

// Purge removes the files of the project-local instances (.data/); they
// must be stopped (Down) first.
func (p *Provisioner) Purge(ctx context.Context) error {
	if c, _, ok := p.localPostgres(ctx); ok {
		return fmt.Errorf("PostgreSQL still runs from %s: not removing its files", c.Data)
	}
	if _, ok := p.localRedisPID(); ok {
		return errors.New("redis still runs from .data/redis: not removing its files")
	}
	fallback := filepath.Dir(p.postgresFallbackDir())
	for _, dir := range []string{p.dataDir(), fallback} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		p.logf("removing %s", dir)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	return nil
}

// FindRoot is the project directory containing dir: the nearest directory
// upwards holding go.mod (dir itself when there is none).
func FindRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
