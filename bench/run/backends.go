package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"movieapi/bench/internal/stats"
)

// redisCommands is how many commands the whole Redis server has run (INFO
// commandstats). Other clients of a shared Redis count too.
func (b *bench) redisCommands(ctx context.Context) (int64, error) {
	info, err := b.redis.Info(ctx, "commandstats").Result()
	if err != nil {
		return 0, fmt.Errorf("redis INFO commandstats: %w", err)
	}
	return parseCommandStats(info), nil
}

// parseCommandStats adds up the calls= of INFO commandstats's lines
// (cmdstat_get:calls=12,usec=…).
func parseCommandStats(info string) int64 {
	var calls int64
	for l := range strings.Lines(info) {
		name, stats, ok := strings.Cut(strings.TrimSpace(l), ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		for field := range strings.SplitSeq(stats, ",") {
			if v, ok := strings.CutPrefix(field, "calls="); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				calls += n
			}
		}
	}
	return calls
}

// deleteKeys removes every Redis key under the run's prefix.
func (b *bench) deleteKeys(ctx context.Context) error {
	iter := b.redis.Scan(ctx, 0, b.prefix+"*", 500).Iterator()
	batch := make([]string, 0, 500)
	for iter.Next(ctx) {
		if batch = append(batch, iter.Val()); len(batch) == cap(batch) {
			if err := b.redis.Del(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := b.redis.Del(ctx, batch...).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

// psql runs SQL at url and returns what it printed (unaligned, tuples only).
func psql(ctx context.Context, url, sql string) (string, error) {
	out, err := command(ctx, "psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(exit.Stderr)))
		}
		return "", fmt.Errorf("psql: %w", err)
	}
	return string(out), nil
}

// seedMovies inserts count movies (40-hex ids, valid rows) and returns
// their ids in random order, so reads spread over the whole table.
func seedMovies(ctx context.Context, url string, count int) ([]string, error) {
	_, err := psql(ctx, url, fmt.Sprintf(`
		INSERT INTO movies (id, title, year, stars)
		SELECT md5('seed' || g) || left(md5('seed#' || g), 8), 'Seeded movie ' || g, 1900 + g %% 120, (g %% 51) / 10.0
		FROM generate_series(1, %d) AS g
		ON CONFLICT DO NOTHING`, count))
	if err != nil {
		return nil, err
	}
	// Settled statistics and visibility map, so autovacuum does not start during the run.
	if _, err := psql(ctx, url, "VACUUM ANALYZE movies"); err != nil {
		return nil, err
	}
	out, err := psql(ctx, url, "SELECT id FROM movies WHERE title LIKE 'Seeded movie %' ORDER BY random()")
	return strings.Fields(out), err
}

func writeLines(file string, lines []string) error {
	return os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// redisCeiling runs redis-benchmark's GET test with clients connections.
func redisCeiling(ctx context.Context, url string, clients, requests int) (Ceiling, error) {
	out, err := command(ctx, "redis-benchmark", "-u", url, "-t", "get",
		"-c", strconv.Itoa(clients), "-n", strconv.Itoa(requests), "--csv").Output()
	if err != nil {
		return Ceiling{}, fmt.Errorf("redis-benchmark: %w", err)
	}
	return parseRedisBenchmark(string(out))
}

// parseRedisBenchmark reads the GET row of redis-benchmark --csv, by the
// names of its header's columns.
func parseRedisBenchmark(out string) (Ceiling, error) {
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 {
		return Ceiling{}, fmt.Errorf("redis-benchmark printed %q", out)
	}
	column := map[string]int{}
	for i, name := range rows[0] {
		column[name] = i
	}
	for _, row := range rows[1:] {
		if row[0] != "GET" {
			continue
		}
		value := func(name string) float64 {
			i, ok := column[name]
			if !ok || i >= len(row) {
				return 0
			}
			v, _ := strconv.ParseFloat(row[i], 64)
			return v
		}
		return Ceiling{RPS: value("rps"), P50ms: value("p50_latency_ms"), P99ms: value("p99_latency_ms"), Avgms: value("avg_latency_ms")}, nil
	}
	return Ceiling{}, fmt.Errorf("no GET row in redis-benchmark's output %q", out)
}

// pgCeiling runs pgbench -S (prepared) with clients connections for
// seconds; the percentiles come from its per-transaction log.
func (b *bench) pgCeiling(ctx context.Context, clients, seconds int) (Ceiling, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("pgbench-%d", clients))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Ceiling{}, err
	}
	cmd := command(ctx, "pgbench", "-n", "-S", "-M", "prepared", "-c", strconv.Itoa(clients),
		"-j", strconv.Itoa(min(clients, b.Threads)), "-T", strconv.Itoa(seconds), "-l", b.dbURL)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return Ceiling{}, fmt.Errorf("pgbench: %w", err)
	}
	logs, err := filepath.Glob(filepath.Join(dir, "pgbench_log.*"))
	if err != nil || len(logs) == 0 {
		return Ceiling{}, errors.New("pgbench wrote no transaction log")
	}
	var latencies []float64
	for _, file := range logs {
		f, err := os.Open(file) //nolint:gosec // pgbench's own log in the work directory
		if err != nil {
			return Ceiling{}, err
		}
		latencies = append(latencies, pgbenchLatencies(f)...)
		_ = f.Close()
	}
	return pgbenchCeiling(string(out), latencies)
}

// pgbenchLatencies are the third field (µs) of each line of a pgbench log.
func pgbenchLatencies(r io.Reader) []float64 {
	var v []float64
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		if f := strings.Fields(lines.Text()); len(f) >= 3 {
			if us, err := strconv.ParseFloat(f[2], 64); err == nil {
				v = append(v, us)
			}
		}
	}
	return v
}

// pgbenchCeiling takes the rate from pgbench's "tps = …" line and the
// percentiles (nearest rank) and mean from the logged latencies.
func pgbenchCeiling(out string, latenciesUs []float64) (Ceiling, error) {
	var c Ceiling
	for l := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(l, "tps = "); ok {
			c.RPS, _ = strconv.ParseFloat(strings.Fields(rest)[0], 64)
		}
	}
	n := len(latenciesUs)
	if c.RPS == 0 || n == 0 {
		return c, fmt.Errorf("pgbench printed no rate or logged no transaction: %q", out)
	}
	slices.Sort(latenciesUs)
	sum := 0.0
	for _, v := range latenciesUs {
		sum += v
	}
	c.P50ms, c.P99ms = stats.Percentile(latenciesUs, 0.50)/1000, stats.Percentile(latenciesUs, 0.99)/1000
	c.Avgms = sum / float64(n) / 1000
	return c, nil
}
