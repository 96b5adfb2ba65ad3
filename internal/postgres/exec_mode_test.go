package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

// Behind a transaction pooler only modes without server-side state between
// round trips are used; directly, the URL (or pgx's default) decides.
func TestQueryExecMode(t *testing.T) {
	for _, c := range []struct {
		fromURL pgx.QueryExecMode
		pooling bool
		want    pgx.QueryExecMode
	}{
		{pgx.QueryExecModeCacheStatement, false, pgx.QueryExecModeCacheStatement},
		{pgx.QueryExecModeDescribeExec, false, pgx.QueryExecModeDescribeExec},
		{pgx.QueryExecModeCacheStatement, true, pgx.QueryExecModeExec},
		{pgx.QueryExecModeExec, true, pgx.QueryExecModeExec},
		{pgx.QueryExecModeSimpleProtocol, true, pgx.QueryExecModeSimpleProtocol},
	} {
		if got := queryExecMode(c.fromURL, c.pooling); got != c.want {
			t.Errorf("queryExecMode(%v, pooling %t) = %v, want %v", c.fromURL, c.pooling, got, c.want)
		}
	}
}
