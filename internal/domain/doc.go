// Package domain holds the entities, rules and ports of movieapi: what a movie
// is and how it is sanitised and identified, what users, credentials and
// sessions are, the errors every layer speaks, and the interfaces (ports) the
// adapters implement. It imports only the standard library and does no I/O.
package domain
