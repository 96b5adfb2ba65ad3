package provision

import (
	"context"
	"strconv"
)

// RedisArgs are the redis-server options of a server of ours: port on
// 127.0.0.1, files in dir.
func RedisArgs(port int, dir string) []string {
	return []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir}
}

// RedisNoPersistence are the options of a server that writes no data to
// disk: a cache and session store starts empty.
func RedisNoPersistence() []string {
	return []string{"--save", "", "--appendonly", "no"}
}

// RedisServerBinary is the path of redis-server, installed with apt when
// missing.
func RedisServerBinary(ctx context.Context, apt *Apt) (string, error) {
	return apt.Command(ctx, "redis-server", "redis-server")
}
