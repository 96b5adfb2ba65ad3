# movieapi: `make` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X movieapi/internal/app.version=$(VERSION)
BINARY := bin/movieapi
IMAGE ?= movieapi

.PHONY: help run build test test-unit test-integration e2e lint fmt bench \
	migrate-up migrate-down migrate-version startup shutdown fleet fleet-down docker up down clean

help: ## list the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z0-9 -]*:.*## / { \
		if (length($$1) > 18) { print "  " $$1; $$1 = "" } \
		printf "  %-18s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

run: build ## start PostgreSQL and Redis if needed, then serve (creates .env from .env.example)
	@[[ -f .env ]] || { cp .env.example .env; echo "[run] created .env from .env.example"; }
	@exports=$$(go run ./cmd/dev up) && eval "$$exports" && echo "[run] $(BINARY) serve (version $(VERSION))" && exec $(BINARY) serve

build: ## build the static binary bin/movieapi
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o $(BINARY) ./cmd/movieapi

test: ## checks, then every test with -race, fuzz targets and benchmarks (services provided)
	scripts/test-all.sh

test-unit: ## checks, then go test -short -race (no services; needs only Go and a C compiler)
	scripts/test-all.sh --unit

test-integration: ## every test with -race, fuzz targets and benchmarks (services provided)
	scripts/test-all.sh --integration

e2e: ## the browser tests only (headless Chromium)
	scripts/test-all.sh --e2e

lint: ## gofmt check, go vet, golangci-lint, promtool check/test rules
	scripts/test-all.sh --checks

fmt: ## rewrite Go files with gofmt and goimports
	scripts/test-all.sh --fmt

bench: ## load benchmarks: docs/benchmarks.md and its chart (settings: go run ./bench/run -h)
	go run ./cmd/dev need wrk:wrk gnuplot:gnuplot-nox redis-benchmark:redis-tools psql:postgresql-client pgbench:postgresql-contrib
	services=$$(go run ./cmd/dev up) && eval "$$services" && go run ./bench/run

migrate-up migrate-down migrate-version: ## movieapi migrate up|down|version against DATABASE_URL
	@exports=$$(go run ./cmd/dev up) && eval "$$exports" && go run -ldflags "$(LDFLAGS)" ./cmd/movieapi migrate $(@:migrate-%=%)

startup: ## only make sure PostgreSQL and Redis answer; prints their URLs as shell exports (go run ./cmd/dev up)
	@go run ./cmd/dev up

shutdown: ## stop what startup started (go run ./cmd/dev down)
	@go run ./cmd/dev down

fleet: build ## 3 instances behind HAProxy, PgBouncer, Redis Sentinel (FLEET_REDIS=cluster|single) on loopback
	@go run ./cmd/dev fleet up

fleet-down: ## stop what make fleet started
	@go run ./cmd/dev fleet down

docker: ## build the container image
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

up: ## docker compose: PostgreSQL, Redis, movieapi (COMPOSE_PROFILES=monitoring adds Prometheus)
	VERSION=$(VERSION) docker compose up -d --build --wait

down: ## docker compose down
	docker compose down

clean: ## stop project-local services, remove bin/, .data/ and coverage files
	go run ./cmd/dev down --purge
	rm -rf bin coverage.out coverage.html
