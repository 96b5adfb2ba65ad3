package testenv

import (
	"context"
	"fmt"
	"testing"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Containers are reused by name: every test binary of a `go test ./...` run
// (and the next run) shares one PostgreSQL and one Redis container instead of
// starting its own. Isolation comes from the per-test database and key
// prefix, not from the container.
const (
	postgresContainerName = "movieapi-test-postgres"
	redisContainerName    = "movieapi-test-redis"
)

const howToProvide = "set TEST_DATABASE_URL and TEST_REDIS_URL " +
	"(e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable and redis://127.0.0.1:6379/0), " +
	"start a Docker engine so testcontainers can run them, or run `make test`, which provides both"

// postgresContainer starts (or finds) postgres:16-alpine and returns its URL.
func postgresContainer(t testing.TB) string {
	t.Helper()
	endpoint := runContainer(t, "PostgreSQL", "postgres:16-alpine", postgresContainerName, "5432/tcp",
		testcontainers.WithEnv(map[string]string{"POSTGRES_HOST_AUTH_METHOD": "trust"}),
		// The image restarts the server once after initdb: the second
		// "ready" line is the real one.
		testcontainers.WithWaitStrategy(
			wait.ForLog("database system is ready to accept connections").WithOccurrence(2)),
	)
	return "postgres://postgres@" + endpoint + "/postgres?sslmode=disable"
}

// redisContainer starts (or finds) redis:7-alpine and returns its URL.
func redisContainer(t testing.TB) string {
	t.Helper()
	endpoint := runContainer(t, "Redis", "redis:7-alpine", redisContainerName, "6379/tcp",
		testcontainers.WithWaitStrategy(wait.ForLog("Ready to accept connections")),
	)
	return "redis://" + endpoint + "/0"
}

func runContainer(t testing.TB, what, image, name, port string, opts ...testcontainers.ContainerCustomizer) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := dockerAnswers(ctx); err != nil {
		t.Fatalf("testenv: no %s for integration tests: %s (Docker: %v)", what, howToProvide, err)
	}
	opts = append(opts, testcontainers.WithReuseByName(name), testcontainers.WithExposedPorts(port))
	ctr, err := testcontainers.Run(ctx, image, opts...)
	if err != nil {
		// Two test binaries creating the named container at once: the
		// loser's second try finds the winner's container.
		ctr, err = testcontainers.Run(ctx, image, opts...)
	}
	if err != nil {
		t.Fatalf("testenv: start %s container: %v (or %s)", what, err, howToProvide)
	}
	endpoint, err := ctr.PortEndpoint(ctx, port, "")
	if err != nil {
		t.Fatalf("testenv: %s container address: %v", what, err)
	}
	return endpoint
}

// dockerAnswers reports whether a Docker engine is reachable. testcontainers
// may panic when it finds no Docker host at all, hence the recover.
func dockerAnswers(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return err
	}
	return provider.Health(ctx) // Health closes the provider
}
