// Package portstest holds the contract tests of the application's outbound ports: suites
// that every implementation runs unchanged, the in-memory adapters in their unit tests and
// the database adapters in their integration tests, so that all of them behave alike and
// fail with the same domain errors.
package portstest
