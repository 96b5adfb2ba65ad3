// Package migrations holds the numbered schema changes of movieapi as SQL
// files (golang-migrate naming: NNNN_name.up.sql / NNNN_name.down.sql),
// embedded so the binary can apply them itself at startup or through
// `movieapi migrate`.
package migrations

import "embed"

// FS holds every migration file. It is read-only; golang-migrate reads it
// through its iofs source.
//
//go:embed *.sql
var FS embed.FS
