// Package porttest holds the contract tests of the domain's ports: what
// every implementation must do, whatever it keeps its data in. The real
// adapters (PostgreSQL, Redis) and the in-memory fakes that service tests
// use run the same tests, so a fake cannot drift from what it stands for.
// It is for tests only, and needs no service itself: each test is handed a
// constructor of a fresh, empty implementation.
package porttest
