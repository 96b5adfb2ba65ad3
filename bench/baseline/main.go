// Command baseline is the yardstick for the cache-hit read: the least a Go
// server can do to answer GET /movies/get/{id} from the service's Redis
// cache. One go-redis GET of the cached entry, the movie taken out of it
// and written as {"data":…} — the same Redis work and the same JSON work as
// movieapi's handler, without its router, middleware, logging, metrics or
// service layers. bench/run runs it beside the service and reports
// the service's throughput and p99 as ratios of this one's.
//
//	baseline -addr 127.0.0.1:8081 -redis redis://127.0.0.1:6379/0 -prefix bench:
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"log"
	"net/http"
	"strings"

	"github.com/redis/go-redis/v9"
)

// entry is the cached value movieapi writes (internal/redis/movie_cache.go):
// the row's version, and the movie unless the entry marks a deletion.
type entry struct {
	Movie *movie `json:"m"`
}

type movie struct {
	Title string  `json:"title"`
	Year  int     `json:"year"`
	Stars float64 `json:"stars"`
}

type envelope struct {
	Data movie `json:"data"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	redisURL := flag.String("redis", "redis://127.0.0.1:6379/0", "Redis URL")
	prefix := flag.String("prefix", "", "key prefix (AXUM_REDIS_KEY_PREFIX of the service)")
	flag.Parse()

	opts, err := redis.ParseURL(*redisURL)
	if err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(opts) // default pool, as the service's

	mux := http.NewServeMux()
	mux.HandleFunc("GET /movies/get/{id}", func(w http.ResponseWriter, r *http.Request) {
		raw, err := rdb.Get(r.Context(), *prefix+"movie:"+strings.ToLower(r.PathValue("id"))).Bytes()
		var e entry
		switch {
		case errors.Is(err, redis.Nil):
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, `{"error":"service temporarily unavailable"}`, http.StatusServiceUnavailable)
			return
		case json.Unmarshal(raw, &e) != nil || e.Movie == nil:
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		}
		body, _ := json.Marshal(envelope{Data: *e.Movie})
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	})
	log.Printf("baseline listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux)) //nolint:gosec // a benchmark yardstick on loopback, not a service
}
