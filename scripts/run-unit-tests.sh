#!/usr/bin/env bash
# Checks (gofmt, go vet, golangci-lint) and the tests that need no services:
# go test -short -race ./...
set -euo pipefail
exec "$(dirname "$0")/test-all.sh" --unit
