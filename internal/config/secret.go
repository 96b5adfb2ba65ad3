package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// decodeKey accepts hex first (its alphabet is a subset of base64's), then
// the four base64 variants.
func decodeKey(v string) ([]byte, error) {
	if b, err := hex.DecodeString(v); err == nil {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("neither hex nor base64")
}
