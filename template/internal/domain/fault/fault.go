// Package fault is how the domain reports errors: values with a stable, machine-readable code
// that clients may rely on, optionally with a detail and the invalid fields of a request.
//
// Each domain package declares its errors once, as package-level values made with New;
// callers match them with errors.Is and read the code of any error in a chain with errors.As.
// Inbound adapters map the codes to their protocol's status in one table.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a domain error with a stable code.
type Error struct {
	code    string
	message string
}

// New returns a domain error with a stable snake_case code, such as "account_not_found", and
// a human-readable message.
func New(code, message string) *Error {
	return &Error{code: code, message: message}
}

// Code returns the stable code of the error.
func (e *Error) Code() string { return e.code }

// Error returns the human-readable message of the error.
func (e *Error) Error() string { return e.message }

// ErrUnavailable is what an outbound adapter's error matches when the dependency it talks to
// cannot answer now: a refused or lost connection, a timeout, a server shutting down. Nothing
// is wrong with the request; inbound adapters answer it as retryable (HTTP 503 with
// Retry-After) and never as an internal error.
var ErrUnavailable = New("service_unavailable", "a dependency of the service is unavailable; retry later")

// Unavailable returns err, a failure to reach a dependency, marked so that it matches
// ErrUnavailable while keeping its own chain for the log.
func Unavailable(err error) error {
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// FieldError describes one invalid field of a request.
type FieldError struct {
	// Field is the path of the field, such as "postings[1].amount".
	Field string
	// Message says what is wrong with it.
	Message string
}

// DetailedError is a domain error with a detail message and, for validation failures, the
// list of invalid fields. It unwraps to its Error.
type DetailedError struct {
	Kind   *Error
	Detail string
	Fields []FieldError
}

// Error returns the domain message followed by the detail and the invalid fields.
func (e *DetailedError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.message)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	for _, f := range e.Fields {
		b.WriteString("; ")
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// Unwrap returns the domain Error, so that errors.Is(err, ErrSomething) holds.
func (e *DetailedError) Unwrap() error { return e.Kind }

// WithDetail returns kind with a detail message, for example the id that was not found.
func WithDetail(kind *Error, detail string) error {
	return &DetailedError{Kind: kind, Detail: detail}
}

// FieldErrors returns the invalid fields carried by err, if any.
func FieldErrors(err error) []FieldError {
	var d *DetailedError
	if errors.As(err, &d) {
		return d.Fields
	}
	return nil
}

// Fields collects the invalid fields of a value while it is validated.
type Fields []FieldError

// Add records that field is invalid, and why.
func (f *Fields) Add(field, message string) {
	*f = append(*f, FieldError{Field: field, Message: message})
}

// Err returns kind carrying the collected fields, or nil when there are none.
func (f Fields) Err(kind *Error) error {
	if len(f) == 0 {
		return nil
	}
	return &DetailedError{Kind: kind, Fields: f}
}
