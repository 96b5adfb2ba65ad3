package provision

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DockerAnswers reports whether a Docker engine answers and has the compose
// plugin.
func DockerAnswers(ctx context.Context) bool {
	if _, err := exec.LookPath("docker"); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "docker", "info").Run() == nil &&
		exec.CommandContext(ctx, "docker", "compose", "version").Run() == nil
}

// composeMarker lists the compose services Up started, one a line.
func (p *Provisioner) composeMarker() string { return filepath.Join(p.dataDir(), "compose-started") }

func (p *Provisioner) compose(ctx context.Context, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "docker", append([]string{"compose", "--project-directory", p.Root,
		"-f", filepath.Join(p.Root, "docker-compose.yml")}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker compose %s: %w\n%s", args[0], err, lastLines(string(out), 20))
	}
	return nil
}

// composeEnv publishes the compose services where the URLs point, with the
// user, password and database of DATABASE_URL.
func composeEnv(urls URLs) ([]string, error) {
	db, err := url.Parse(urls.Database)
	if err != nil {
		return nil, fmt.Errorf("cannot read DATABASE_URL: %w", err)
	}
	_, pgPort, err := hostPort(urls.Database, postgresPort)
	if err != nil {
		return nil, err
	}
	_, redisPort, err := hostPort(urls.Redis, redisPort)
	if err != nil {
		return nil, err
	}
	user := db.User.Username()
	if user == "" {
		user = "postgres"
	}
	env := []string{
		"POSTGRES_PORT=" + strconv.Itoa(pgPort),
		"POSTGRES_USER=" + user,
		"POSTGRES_DB=" + strings.TrimPrefix(db.Path, "/"),
		"REDIS_PORT=" + strconv.Itoa(redisPort),
	}
	if password, ok := db.User.Password(); ok {
		env = append(env, "POSTGRES_PASSWORD="+password)
	}
	return env, nil
}

// composeUp starts the compose services (postgres, redis) and notes them.
func (p *Provisioner) composeUp(ctx context.Context, urls URLs, services []string) error {
	env, err := composeEnv(urls)
	if err != nil {
		return err
	}
	p.logf("docker compose up -d --wait %s", strings.Join(services, " "))
	if err := p.compose(ctx, env, append([]string{"up", "-d", "--wait"}, services...)...); err != nil {
		return err
	}
	if err := os.MkdirAll(p.dataDir(), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p.composeMarker(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(strings.Join(services, "\n") + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// composeStarted reports whether Up started the compose service.
func (p *Provisioner) composeStarted(service string) bool {
	raw, err := os.ReadFile(p.composeMarker())
	return err == nil && slices.Contains(strings.Fields(string(raw)), service)
}
