package ledger

import (
	"errors"
	"strings"
)

// Error is a domain error with a stable, machine-readable code. The package's
// Err* values are the only instances; match them with errors.Is and read the
// code of any error in a chain with errors.As.
type Error struct {
	code    string
	message string
}

// Code returns the stable code of the error, such as "unbalanced_transaction".
func (e *Error) Code() string { return e.code }

// Error returns the human-readable message of the error.
func (e *Error) Error() string { return e.message }

// The domain errors of the ledger. Their codes are part of the public API.
var (
	// ErrValidation reports input that breaks a field rule; see FieldErrors.
	ErrValidation = &Error{"validation_failed", "the request is invalid"}
	// ErrUnbalanced reports a transaction whose debits and credits differ in some currency.
	ErrUnbalanced = &Error{"unbalanced_transaction", "debits and credits do not balance"}
	// ErrAccountNotFound reports a posting or lookup of an account that does not exist.
	ErrAccountNotFound = &Error{"account_not_found", "account not found"}
	// ErrAccountInactive reports a posting to an account that is not active.
	ErrAccountInactive = &Error{"account_inactive", "account is not active"}
	// ErrCurrencyMismatch reports a posting whose currency differs from its account's.
	ErrCurrencyMismatch = &Error{"currency_mismatch", "posting currency does not match the account currency"}
	// ErrAmountOverflow reports totals that no longer fit in 64-bit minor units.
	ErrAmountOverflow = &Error{"amount_overflow", "amount exceeds the representable range"}
	// ErrAccountCodeTaken reports an account code that is already in use.
	ErrAccountCodeTaken = &Error{"account_code_taken", "an account with this code already exists"}
	// ErrIdempotencyConflict reports an idempotency key reused with a different request.
	ErrIdempotencyConflict = &Error{"idempotency_conflict", "the idempotency key was already used with a different request"}
	// ErrAlreadyReversed reports a second reversal of the same transaction.
	ErrAlreadyReversed = &Error{"transaction_already_reversed", "the transaction has already been reversed"}
	// ErrNotFound reports a transaction that does not exist.
	ErrNotFound = &Error{"not_found", "resource not found"}
	// ErrConcurrentUpdate reports a write that lost an optimistic-locking race and
	// could not be completed within the allowed retries.
	ErrConcurrentUpdate = &Error{"concurrent_update", "the resource was modified concurrently"}
)

// FieldError describes one invalid field of a request.
type FieldError struct {
	// Field is the path of the field, such as "postings[1].amount".
	Field string
	// Message says what is wrong with it.
	Message string
}

// DetailedError is a domain error with a detail message and, for validation
// failures, the list of invalid fields. It unwraps to its domain Error.
type DetailedError struct {
	Kind   *Error
	Detail string
	Fields []FieldError
}

// Error returns the domain message followed by the detail.
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

// Unwrap returns the domain Error, so errors.Is(err, ErrUnbalanced) works.
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

// fieldErrors collects field errors while a value is validated.
type fieldErrors []FieldError

func (f *fieldErrors) add(field, message string) {
	*f = append(*f, FieldError{Field: field, Message: message})
}

// err returns an ErrValidation carrying the collected fields, or nil.
func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &DetailedError{Kind: ErrValidation, Fields: f}
}
