// Package customer is the customer aggregate: who the service's clients are, and the rules a
// customer always satisfies. It depends on the standard library and uuid only.
package customer

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits of a customer's fields.
const (
	MaxNameLength  = 200
	MaxEmailLength = 254
)

// Status is the lifecycle state of a customer.
type Status string

// StatusActive is the status of a newly registered customer.
const StatusActive Status = "active"

// Customer is a registered customer. Its fields are unexported so that every Customer in the
// program went through New and satisfies its rules.
type Customer struct {
	id        uuid.UUID
	name      string
	email     string
	status    Status
	createdAt time.Time
}

// New registers a customer with the given id at the given time. The name is trimmed, the
// email address trimmed and lower-cased. It returns a *ValidationError listing every invalid
// field.
func New(id uuid.UUID, name, email string, now time.Time) (Customer, error) {
	name = strings.TrimSpace(name)
	email = strings.ToLower(strings.TrimSpace(email))

	var problems []FieldError
	switch {
	case name == "":
		problems = append(problems, FieldError{Field: "name", Message: "is required"})
	case utf8.RuneCountInString(name) > MaxNameLength:
		problems = append(problems, FieldError{Field: "name", Message: fmt.Sprintf("must be at most %d characters", MaxNameLength)})
	}
	switch {
	case email == "":
		problems = append(problems, FieldError{Field: "email", Message: "is required"})
	case len(email) > MaxEmailLength || !validEmail(email):
		problems = append(problems, FieldError{Field: "email", Message: "must be a valid email address"})
	}
	if problems != nil {
		return Customer{}, &ValidationError{Fields: problems}
	}
	return Customer{id: id, name: name, email: email, status: StatusActive, createdAt: now.UTC()}, nil
}

// validEmail accepts a bare address such as ana@example.com, without a display name.
func validEmail(email string) bool {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return false
	}
	domain := email[strings.LastIndexByte(email, '@')+1:]
	return strings.Contains(domain, ".")
}

// ID returns the customer's identifier.
func (c Customer) ID() uuid.UUID { return c.id }

// Name returns the customer's name.
func (c Customer) Name() string { return c.name }

// Email returns the customer's email address, lower-cased.
func (c Customer) Email() string { return c.email }

// Status returns the customer's lifecycle state.
func (c Customer) Status() Status { return c.status }

// CreatedAt returns when the customer registered, in UTC.
func (c Customer) CreatedAt() time.Time { return c.createdAt }
