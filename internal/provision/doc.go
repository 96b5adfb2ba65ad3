// Package provision makes sure PostgreSQL and Redis answer for running and
// testing movieapi, and starts the engines the tests and the fleet need.
//
// Where each service comes from, in this order (Up):
//  1. whatever already answers at DATABASE_URL / REDIS_URL: used as it is,
//     never stopped;
//  2. docker compose (docker-compose.yml), when a Docker engine answers;
//  3. a project-local instance on 127.0.0.1 with its files under .data/,
//     its Debian package installed with apt-get when missing (as root).
//
// The URLs come from the environment, else .env, else .env.example. Down
// stops only what Up started. The same pieces (finding the PostgreSQL
// binaries, initdb, redis-server arguments, installing a missing engine)
// serve internal/testenv, so there is one implementation of each. It is a
// library: cmd/dev is its command line.
package provision
