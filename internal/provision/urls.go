package provision

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"movieapi/internal/dotenv"
)

// URLs are the addresses of the two services the application needs.
type URLs struct {
	Database string // DATABASE_URL
	Redis    string // REDIS_URL
}

// Standard ports, and the ports of the project-local instances that stand in
// for a URL naming a standard port, so that they never clash with a
// PostgreSQL or Redis of the machine's own.
const (
	postgresPort      = 5432
	redisPort         = 6379
	LocalPostgresPort = 55432
	LocalRedisPort    = 56379
)

// LoadURLs reads DATABASE_URL and REDIS_URL from getenv, else from root's
// .env, else from its .env.example (the real environment wins, as it does
// for the service).
func LoadURLs(root string, getenv func(string) string) (URLs, error) {
	for _, name := range []string{".env", ".env.example"} {
		var err error
		if getenv, err = dotenv.Layer(getenv, filepath.Join(root, name)); err != nil {
			return URLs{}, err
		}
	}
	urls := URLs{Database: getenv("DATABASE_URL"), Redis: getenv("REDIS_URL")}
	for name, value := range map[string]string{"DATABASE_URL": urls.Database, "REDIS_URL": urls.Redis} {
		if value == "" {
			return URLs{}, fmt.Errorf("%s is not set (environment, .env or .env.example)", name)
		}
	}
	return urls, nil
}

// hostPort reads the (first) host and the port of raw, the port defaulting to
// standard; the host is "" when the URL names none.
func hostPort(raw string, standard int) (host string, port int, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", 0, fmt.Errorf("cannot read the URL %s: %w", Redacted(raw), err)
	}
	hostport := u.Host
	if i := strings.IndexByte(hostport, ','); i >= 0 { // libpq's several hosts: the first
		hostport = hostport[:i]
	}
	first := url.URL{Host: hostport}
	port = standard
	if p := first.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return "", 0, fmt.Errorf("the URL %s: port %q", Redacted(raw), p)
		}
	}
	return first.Hostname(), port, nil
}

// isLoopback says whether host is this machine: where a project-local
// instance or docker compose could stand in for a missing service.
func isLoopback(host string) bool {
	return host == "" || host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
}

// localURL is the URL of the project-local instance that stands in for raw:
// 127.0.0.1, no credentials (user postgres for PostgreSQL), plain TCP, the
// same database (or db number) and options; the port of raw unless that is
// the standard one, which becomes local.
func localURL(raw string, standard, local int) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("cannot read the URL %s: %w", Redacted(raw), err)
	}
	_, port, err := hostPort(raw, standard)
	if err != nil {
		return "", err
	}
	if port == standard {
		port = local
	}
	u.User = nil
	if strings.HasPrefix(u.Scheme, "postgres") {
		u.User = url.User("postgres")
	}
	if u.Scheme == "rediss" { // the local instance speaks plain TCP
		u.Scheme = "redis"
	}
	u.Host = "127.0.0.1:" + strconv.Itoa(port)
	return u.String(), nil
}

// WithDatabase is the PostgreSQL URL raw with its database replaced by name.
func WithDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("cannot read the URL %s: %w", Redacted(raw), err)
	}
	u.Path, u.RawPath = "/"+name, ""
	return u.String(), nil
}

// databaseName is the database a PostgreSQL URL names ("" for none).
func databaseName(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("cannot read the URL %s: %w", Redacted(raw), err)
	}
	return strings.TrimPrefix(u.Path, "/"), nil
}

// Redacted is raw with any password masked, for messages.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if at := strings.LastIndexByte(raw, '@'); at >= 0 {
			return "…@" + raw[at+1:]
		}
		return raw
	}
	return u.Redacted()
}
