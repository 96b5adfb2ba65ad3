package redis

import (
	"errors"
	"fmt"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
)

// outageReplies are the error replies of a Redis that cannot serve right
// now — loading its data, a replica during a failover, a cluster without
// quorum, out of memory — as opposed to one refusing the command itself.
var outageReplies = []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "OOM", "NOREPLICAS"}

// unavailable classifies a go-redis failure by the one error policy
// (contract §2): no answer (refused or lost connection, timeout, closed
// client) and the outage replies above are domain.ErrUnavailable; any other
// error reply (a wrong type, a script error) means our command is wrong — a
// bug, left without a kind. A miss (redis.Nil) is not a failure and is
// handled by callers before this.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var reply goredis.Error
	if errors.As(err, &reply) && !isOutageReply(reply.Error()) {
		return fmt.Errorf("redis: %w", err)
	}
	return domain.Unavailable(err)
}

func isOutageReply(msg string) bool {
	for _, prefix := range outageReplies {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
