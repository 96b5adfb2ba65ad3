// Package dotenv layers .env files under the environment, with the rules of
// github.com/joho/godotenv (optional `export`, quotes, `#` comments). It is
// shared by the service (internal/app) and the development services
// (internal/provision), so both read the same file the same way.
package dotenv

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/joho/godotenv"
)

// Layer puts the file at path under getenv: a variable set (non-empty) in
// getenv wins over the file. A missing file is not an error; an unreadable
// or malformed one is.
func Layer(getenv func(string) string, path string) (func(string) string, error) {
	values, err := godotenv.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return getenv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return values[name]
	}, nil
}
