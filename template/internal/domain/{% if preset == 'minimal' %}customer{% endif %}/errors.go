package customer

import "strings"

// Error is a domain error with a stable code, which clients may rely on.
type Error struct {
	code    string
	message string
}

// Code returns the stable, machine-readable code of the error.
func (e *Error) Code() string { return e.code }

func (e *Error) Error() string { return e.message }

// Errors of the customer aggregate. Compare with errors.Is.
var (
	// ErrInvalid: a customer's fields break its rules; errors.As gives the *ValidationError.
	ErrInvalid = &Error{code: "customer.invalid", message: "invalid customer"}
	// ErrNotFound: no customer has the id asked for.
	ErrNotFound = &Error{code: "customer.not_found", message: "customer not found"}
	// ErrEmailTaken: another customer already registered with the email address.
	ErrEmailTaken = &Error{code: "customer.email_taken", message: "email address already registered"}
)

// FieldError says what is wrong with one field.
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every invalid field of a customer. It wraps ErrInvalid.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + " " + f.Message
	}
	return ErrInvalid.message + ": " + strings.Join(parts, "; ")
}

// Unwrap returns ErrInvalid, so errors.Is(err, ErrInvalid) holds.
func (e *ValidationError) Unwrap() error { return ErrInvalid }
