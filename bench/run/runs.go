package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

const (
	wrkDir      = "bench/wrk"
	plainScript = wrkDir + "/report.lua" // plain GETs: report.lua alone
	hitSeries   = `movie_cache_requests_total{result="hit"}`
	missSeries  = `movie_cache_requests_total{result="miss"}`
	idleSeconds = 10
)

// endpointRuns measures the rows of the results table and the near cache's
// other figures.
func (b *bench) endpointRuns(ctx context.Context, r *Results, svc *instance, baselinePID int, baselineURL string) error {
	record := func(label string, run Run) { r.Rows = append(r.Rows, Row{Label: label, Run: run}) }
	hitID, err := b.addMovie(ctx, svc.base)
	if err != nil {
		return err
	}
	b.hitID = hitID

	for _, path := range []string{"/health", "/health?mode=full"} {
		logf("GET %s", path)
		run, err := b.measureWrk(ctx, svc.base+path, plainScript, svc.pid(), true)
		if err != nil {
			return err
		}
		record("GET "+path, run)
	}

	logf("GET /movies/get/{id}, cache hit")
	var hit Run
	hits, err := b.metricDelta(ctx, svc.base, func() (err error) {
		hit, err = b.measureWrk(ctx, svc.base+"/movies/get/"+hitID, plainScript, svc.pid(), true)
		return err
	}, hitSeries)
	if err != nil {
		return err
	}
	record(rowHit, hit)
	r.Hits = hits[0]
	logf("cache hits counted by the service: %d", r.Hits)

	logf("baseline server, same read")
	run, err := b.measureWrk(ctx, baselineURL+"/movies/get/"+hitID, plainScript, baselinePID, true)
	if err != nil {
		return err
	}
	record(rowBaseline, run)

	// Movies for the cache-miss run and the near cache's memory walk, in
	// random order across the table. Every read of the miss run must go to
	// PostgreSQL: ids never read before, more of them than the run can ask
	// for (the cache-hit rate is an upper bound on the miss rate). The walk
	// reads ids of its own, the last NearDistinct of the list.
	hitRPS := rounded(hit.RPS, 0)
	missSeed := max(int(hitRPS*float64(b.DurationS+b.WarmupS)*1.5)+1000, 20000)
	logf("seeding %d movies in PostgreSQL for the cache-miss run and the near cache's memory", missSeed+b.NearDistinct)
	ids, err := seedMovies(ctx, b.dbURL, missSeed+b.NearDistinct)
	if err != nil {
		return err
	}
	walkIDs := ids[max(len(ids)-b.NearDistinct, 0):]
	missIDs := ids[:min(missSeed, len(ids))]

	if err := b.nearRuns(ctx, r, svc, walkIDs); err != nil {
		return err
	}

	logf("GET /movies/get/{id}, cache miss (each id read once)")
	// The warm-up reads ids of its own, so that the measured run reads none twice.
	warmIDs := min(int(hitRPS*float64(b.WarmupS)*1.5)+100, len(missIDs))
	warmFile, measuredFile := filepath.Join(b.work, "ids-warmup.txt"), filepath.Join(b.work, "ids-measured.txt")
	if err := writeLines(warmFile, missIDs[:warmIDs]); err != nil {
		return err
	}
	if err := writeLines(measuredFile, missIDs[warmIDs:]); err != nil {
		return err
	}
	miss := filepath.Join(wrkDir, "miss.lua")
	threads := strconv.Itoa(b.Threads)
	if b.WarmupS > 0 {
		_, _ = b.wrk(ctx, b.WarmupS, miss, svc.base+"/", warmFile, threads)
	}
	counts, err := b.metricDelta(ctx, svc.base, func() (err error) {
		run, err = b.measureWrk(ctx, svc.base+"/", miss, svc.pid(), false, measuredFile, threads)
		return err
	}, missSeries, hitSeries)
	if err != nil {
		return err
	}
	record("GET /movies/get/{id} (cache miss)", run)
	r.Misses, r.MissRunHits = counts[0], counts[1]
	logf("cache misses counted by the service: %d (hits during the miss run: %d)", r.Misses, r.MissRunHits)

	logf("POST /movies/add, unique titles")
	if run, err = b.measureWrk(ctx, svc.base+"/movies/add", filepath.Join(wrkDir, "post.lua"), svc.pid(), true, b.runID); err != nil {
		return err
	}
	record("POST /movies/add", run)

	logf("passkey sign-in (begin + finish), %d concurrent", b.Connections)
	if run, err = b.measureSignIn(ctx, svc.base, svc.origin, svc.pid(), b.Connections); err != nil {
		return err
	}
	record(rowSignIn, run)
	return nil
}

// nearRuns: two instances with the near cache on (its default size and
// MaxStaleness), on the same database and Redis key space: A for the
// cache-hit read and the writes, B for the reads of another instance. They
// run only for these measurements: their drainers' idle wake-ups would
// otherwise take CPU from the other rows.
func (b *bench) nearRuns(ctx context.Context, r *Results, svc *instance, walkIDs []string) error {
	a, err := b.startInstance(ctx, "near-a", false, "AXUM_MOVIE_NEAR_CACHE=true")
	if err != nil {
		return err
	}
	defer a.stop()
	nb, err := b.startInstance(ctx, "near-b", false, "AXUM_MOVIE_NEAR_CACHE=true")
	if err != nil {
		return err
	}
	defer nb.stop()
	settings, err := readNearLog(a.log)
	if err != nil {
		return err
	}
	n := &r.Near
	n.MaxMiB, n.MaxStalenessMs, n.Drain = settings.MaxMiB, settings.MaxStalenessMs, settings.Drain

	logf("GET /movies/get/{id}, cache hit, near cache on (instance A)")
	run, err := b.measureWrk(ctx, a.base+"/movies/get/"+b.hitID, plainScript, a.pid(), true)
	if err != nil {
		return err
	}
	r.Rows = append(r.Rows, Row{Label: rowNearHit, Run: run})

	logf("near cache: %d updates on A, read back to back on B", b.StalenessWrites)
	if n.Stale, err = b.staleness(ctx, a.base, nb.base); err != nil {
		return err
	}
	logf("the same, read on the instance without the near cache (the floor)")
	if n.Floor, err = b.staleness(ctx, a.base, svc.base); err != nil {
		return err
	}

	logf("memory: %d distinct movies read on the instance without the near cache, then on B", len(walkIDs))
	walkFile := filepath.Join(b.work, "ids-walk.txt")
	if err := writeLines(walkFile, walkIDs); err != nil {
		return err
	}
	if n.WalkPlain, err = b.memoryWalk(ctx, svc.base, svc.pid(), walkFile); err != nil {
		return err
	}
	if n.WalkNear, err = b.memoryWalk(ctx, nb.base, nb.pid(), walkFile); err != nil {
		return err
	}
	gauges, err := b.metrics(ctx, nb.base, "movie_near_cache_entries", "movie_near_cache_bytes")
	if err != nil {
		return err
	}
	n.WalkNear.Entries, n.WalkNear.Bytes = gauges[0], gauges[1]
	logf("  without: %.1f s, %.1f MiB; with: %.1f s, %.1f MiB, %d entries, %d bytes", n.WalkPlain.Seconds, n.WalkPlain.RSSMiB,
		n.WalkNear.Seconds, n.WalkNear.RSSMiB, n.WalkNear.Entries, n.WalkNear.Bytes)

	logf("idle: CPU of an instance with and without the near cache, Redis commands of the whole server")
	if n.Idle, err = b.idleCost(ctx, svc.pid(), nb.pid(), idleSeconds*time.Second); err != nil {
		return err
	}
	logf("  plain_cpu_pct=%.1f near_cpu_pct=%.1f redis_cmds_per_s=%.0f", n.Idle.PlainCPUPct, n.Idle.NearCPUPct, n.Idle.RedisCmdsPerS)
	return nil
}

// backendRuns measures the backends' ceilings and floors, runs the Go
// micro-benchmarks and, unless turned off, profiles the service.
func (b *bench) backendRuns(ctx context.Context, r *Results, svc *instance) error {
	var err error
	k := &r.Backends
	logf("redis-benchmark -t get -c %d", b.Connections)
	if k.RedisCeiling, err = redisCeiling(ctx, b.RedisURL, b.Connections, 200000); err != nil {
		return err
	}
	if k.RedisRTT, err = redisCeiling(ctx, b.RedisURL, 1, 20000); err != nil {
		return err
	}
	logf("pgbench -S -c %d", b.Connections)
	if out, err := command(ctx, "pgbench", "-i", "-q", "-s", "1", b.dbURL).CombinedOutput(); err != nil {
		return fmt.Errorf("pgbench -i: %w\n%s", err, out)
	}
	if k.PGCeiling, err = b.pgCeiling(ctx, b.Connections, b.DurationS); err != nil {
		return err
	}
	if k.PGRTT, err = b.pgCeiling(ctx, 1, 3); err != nil {
		return err
	}
	logf("one sign-in at a time")
	if k.SignInSerial, err = b.measureSignIn(ctx, svc.base, svc.origin, svc.pid(), 1); err != nil {
		return err
	}
	logf("Go micro-benchmarks")
	if r.Micro, err = goMicroBenchmarks(ctx); err != nil {
		return err
	}
	if !b.Profile {
		return nil
	}

	// Profiles: extra runs, not measured.
	logf("CPU profile of the cache-hit read")
	hitFile, signInFile := filepath.Join(b.work, "hit.pprof"), filepath.Join(b.work, "signin.pprof")
	r.Profiles.Hit = b.profileDuring(ctx, svc.admin, hitFile, command(ctx, "wrk",
		b.wrkArgs(b.DurationS, plainScript, svc.base+"/movies/get/"+b.hitID)...))
	logf("CPU profile of sign-ins")
	r.Profiles.SignIn = b.profileDuring(ctx, svc.admin, signInFile, command(ctx, b.program("signin"),
		b.signInArgs(svc.base, svc.origin, b.Connections, "profile"+b.runID+"-")...))
	if b.ProfileDir != "" {
		if err := os.MkdirAll(b.ProfileDir, 0o750); err != nil {
			return err
		}
		for _, f := range []string{hitFile, signInFile} {
			if data, err := os.ReadFile(f); err == nil { //nolint:gosec // a file of the work directory
				if err := os.WriteFile(filepath.Join(b.ProfileDir, filepath.Base(f)), data, 0o600); err != nil { //nolint:gosec // the directory BENCH_PROFILE_DIR names
					return err
				}
			}
		}
		logf("profiles kept in %s (go tool pprof -top -cum FILE)", b.ProfileDir)
	}
	return nil
}
