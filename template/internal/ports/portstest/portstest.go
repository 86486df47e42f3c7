// Package portstest holds the contract tests of the application's outbound ports: suites
// that every implementation runs unchanged, the in-memory adapters in their unit tests and
// the database adapters in their integration tests, so that all of them behave alike and
// fail with the same domain errors.
package portstest

import (
	"errors"
	"reflect"
	"testing"
)

// The suites use the standard library only: they are compiled into a package that is not a
// test, and that package should not pull the service's test libraries into its build.

// noError stops the test when err is not nil.
func noError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// errorIs stops the test unless err matches target.
func errorIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// equal reports got and want when they differ; what names the value compared.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}
