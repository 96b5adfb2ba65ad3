package app

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/joho/godotenv"
)

// withDotEnv layers a .env file under getenv: a variable set in the real
// environment wins over the file. A missing file is not an error; an
// unreadable or malformed one is.
func withDotEnv(getenv func(string) string, path string) (func(string) string, error) {
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
