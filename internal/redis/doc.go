// Package redis implements the Redis-backed ports: the movie cache, the
// session store (sessions and WebAuthn ceremony state) and the shared rate
// limiter. Every key goes through Keys so a deployment (or a test) can give
// the service its own key space.
package redis
