package config

import (
	"fmt"
	"net/url"
)

// Query execution modes of pgx (the default_query_exec_mode URL parameter)
// that work through a pooler in transaction mode: each sends a statement
// in one round trip without naming it, so nothing outlives the transaction
// the pooler lent a server connection for. cache_statement (pgx's default)
// keeps named prepared statements on a server connection that the next
// transaction may not get; describe_exec and cache_describe describe a
// statement in one round trip and run it in another, which under
// concurrency lands on another client's connection ("bind message supplies
// 1 parameters, but prepared statement "" requires 6").
var poolSafeExecModes = map[string]bool{"exec": true, "simple_protocol": true}

// checkPooling refuses the combinations known to break behind a pooler in
// transaction mode. A pooler cannot be recognised from the service's side
// (PgBouncer passes the server's own parameters on), so the refusal rests
// on what AXUM_DB_TRANSACTION_POOLING says.
func (r *reader) checkPooling(c Config) {
	if c.DBMigrateURL != "" && c.DBMigrateURL == c.DatabaseURL {
		r.fail("AXUM_DB_MIGRATE_URL", "must differ from DATABASE_URL (leave it empty to migrate through DATABASE_URL)")
	}
	if !c.DBTransactionPooling {
		return
	}
	if u, err := url.Parse(c.DatabaseURL); err == nil {
		if mode := u.Query().Get("default_query_exec_mode"); mode != "" && !poolSafeExecModes[mode] {
			r.fail("DATABASE_URL", fmt.Sprintf("sets default_query_exec_mode=%s, which breaks behind a pooler in "+
				"transaction mode (AXUM_DB_TRANSACTION_POOLING=true): remove it (the service then uses exec) "+
				"or use exec or simple_protocol", mode))
		}
	}
	// golang-migrate holds a session-level advisory lock while it migrates;
	// through a transaction pooler the lock and the statements it guards
	// would run on whatever server connections the pooler hands out.
	if c.DBMigrate && c.DBMigrateURL == "" {
		r.fail("AXUM_DB_MIGRATE_URL", "is required when AXUM_DB_TRANSACTION_POOLING=true and AXUM_DB_MIGRATE=true: "+
			"migrations take a session-level advisory lock, so they need a direct connection to PostgreSQL "+
			"(or set AXUM_DB_MIGRATE=false and run `movieapi migrate up` against PostgreSQL directly)")
	}
}
