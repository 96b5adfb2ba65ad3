// Package faulttest injects real faults into a running service and checks
// that it keeps its promises (contract §2, §4, §6, docs/architecture.md "Failure
// behaviour"): Redis killed and PostgreSQL stopped or killed under load,
// backends missing at startup, clients that send their headers too slowly,
// and hostile input on every route. The faults are real processes being
// stopped, killed and restarted (testenv.StartRedis, testenv.StartPostgres),
// never the shared test servers, and never mocks.
//
// The tests that measure goroutines and connections against a baseline run
// one at a time: the goroutine count is per process, so a test running
// beside them would blur it. The package holds tests only.
package faulttest
