// Package postgres is the PostgreSQL adapter of movieapi. It owns the
// connection pool (with startup retry and a per-call acquire timeout), the
// schema migrations runner, and the implementation of domain.Repository:
// movies, users, passkey credentials and shared server secrets.
//
// Every error it returns is a domain error (or wraps one): constraint
// violations become domain.ErrConflict with a client-safe message, missing
// rows domain.ErrNotFound, and connection or timeout failures
// domain.ErrUnavailable. Driver errors travel only as the hidden cause.
package postgres
