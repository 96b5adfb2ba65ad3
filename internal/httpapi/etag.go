package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
)

// assetETag is a strong validator of an embedded file's bytes.
func assetETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}
