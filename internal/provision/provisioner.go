package provision

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// Provisioner provides PostgreSQL and Redis for one checkout.
type Provisioner struct {
	// Root is the project directory: .env, docker-compose.yml and .data/.
	Root string
	// Getenv reads the environment (DATABASE_URL, REDIS_URL,
	// LOCAL_POSTGRES_PORT, LOCAL_REDIS_PORT, POSTGRES_BINDIR).
	Getenv func(string) string
	// Logf reports progress (nil: silent).
	Logf func(format string, args ...any)
	// Docker says whether docker compose can be used; nil means DockerAnswers.
	Docker func(context.Context) bool
	// Apt installs missing packages; nil means a fresh one.
	Apt *Apt
}

// answerTimeout bounds waiting for a service that was just started.
const answerTimeout = 30 * time.Second

// Sources of a service, for the log.
const (
	sourceReused  = "reused"
	sourceCompose = "docker compose"
	sourceLocal   = "project-local"
)

func (p *Provisioner) dataDir() string { return filepath.Join(p.Root, ".data") }

func (p *Provisioner) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
}

func (p *Provisioner) apt() *Apt {
	if p.Apt == nil {
		p.Apt = &Apt{Logf: p.Logf}
	}
	return p.Apt
}

func (p *Provisioner) dockerAnswers(ctx context.Context) bool {
	if p.Docker != nil {
		return p.Docker(ctx)
	}
	return DockerAnswers(ctx)
}

// localPort is LOCAL_<name>_PORT, else fallback.
func (p *Provisioner) localPort(name string, fallback int) (int, error) {
	v := p.Getenv(name)
	if v == "" {
		return fallback, nil
	}
	port, err := strconv.Atoi(v)
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("%s must be a TCP port, got %q", name, v)
	}
	return port, nil
}

// service is what Up knows of one of the two services.
type service struct {
	kind     string // postgres or redis: also the compose service
	name     string // for messages
	url      string
	standard int
	local    int
	answers  func(context.Context, string) error
	start    func(context.Context, int) error
	source   string
}

// Up makes sure PostgreSQL and Redis answer, starting what is missing, and
// creates the application database. It returns the URLs to use: those
// loaded, or those of the project-local instances standing in for them.
func (p *Provisioner) Up(ctx context.Context) (URLs, error) {
	urls, err := LoadURLs(p.Root, p.Getenv)
	if err != nil {
		return URLs{}, err
	}
	pgLocal, err := p.localPort("LOCAL_POSTGRES_PORT", LocalPostgresPort)
	if err != nil {
		return URLs{}, err
	}
	redisLocal, err := p.localPort("LOCAL_REDIS_PORT", LocalRedisPort)
	if err != nil {
		return URLs{}, err
	}
	services := []*service{
		{kind: "postgres", name: "PostgreSQL", url: urls.Database, standard: postgresPort, local: pgLocal,
			answers: PostgresAnswers, start: p.startLocalPostgres},
		{kind: "redis", name: "Redis", url: urls.Redis, standard: redisPort, local: redisLocal,
			answers: RedisAnswers, start: p.startLocalRedis},
	}
	var missing []*service
	for _, s := range services {
		if s.answers(ctx, s.url) == nil {
			s.source = p.sourceOf(ctx, s)
			continue
		}
		host, _, err := hostPort(s.url, s.standard)
		if err != nil {
			return URLs{}, err
		}
		if !isLoopback(host) {
			return URLs{}, fmt.Errorf("nothing answers at %s, and it is not on this machine: start it, or point the URL elsewhere", Redacted(s.url))
		}
		missing = append(missing, s)
	}
	if len(missing) > 0 {
		if err := p.startMissing(ctx, urls, missing); err != nil {
			return URLs{}, err
		}
	}
	// What answered above needs no second look; what was started may still
	// be starting.
	for _, s := range missing {
		url := s.url
		if err := WaitFor(ctx, answerTimeout, s.name+" at "+Redacted(url), func(ctx context.Context) error {
			return s.answers(ctx, url)
		}); err != nil {
			return URLs{}, err
		}
	}
	urls = URLs{Database: services[0].url, Redis: services[1].url}
	if err := EnsureDatabase(ctx, urls.Database, p.logf); err != nil {
		return URLs{}, err
	}
	for _, s := range services {
		p.logf("%s (%s): %s", s.name, s.source, Redacted(s.url))
	}
	return urls, nil
}

// startMissing starts the missing services with docker compose when a Docker
// engine answers, else as project-local instances.
func (p *Provisioner) startMissing(ctx context.Context, urls URLs, missing []*service) error {
	if p.dockerAnswers(ctx) {
		var names []string
		for _, s := range missing {
			names = append(names, s.kind)
		}
		if err := p.composeUp(ctx, urls, names); err != nil {
			return err
		}
		for _, s := range missing {
			s.source = sourceCompose
		}
		return nil
	}
	p.logf("no Docker engine answers: using project-local instances under .data/")
	for _, s := range missing {
		local, err := localURL(s.url, s.standard, s.local)
		if err != nil {
			return err
		}
		_, port, err := hostPort(local, s.standard)
		if err != nil {
			return err
		}
		if s.answers(ctx, local) != nil {
			if err := s.start(ctx, port); err != nil {
				return err
			}
		}
		s.url, s.source = local, sourceLocal
	}
	return nil
}

// sourceOf says which earlier Up started the answering service s
// (project-local, docker compose), or that it is reused.
func (p *Provisioner) sourceOf(ctx context.Context, s *service) string {
	host, port, err := hostPort(s.url, s.standard)
	if err != nil || !isLoopback(host) {
		return sourceReused
	}
	if p.composeStarted(s.kind) {
		return sourceCompose
	}
	switch s.kind {
	case "postgres":
		if _, running, ok := p.localPostgres(ctx); ok && running == port {
			return sourceLocal
		}
	case "redis":
		if p.localRedisOn(port) {
			return sourceLocal
		}
	}
	return sourceReused
}
