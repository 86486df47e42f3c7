package customer

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNew(t *testing.T) {
	id := uuid.Must(uuid.NewV7())
	now := time.Date(2026, 11, 24, 9, 30, 0, 0, time.FixedZone("CET", 3600))

	c, err := New(id, "  Ana Lima ", " Ana@Example.COM ", now)

	require.NoError(t, err)
	assert.Equal(t, id, c.ID())
	assert.Equal(t, "Ana Lima", c.Name())
	assert.Equal(t, "ana@example.com", c.Email())
	assert.Equal(t, StatusActive, c.Status())
	assert.Equal(t, now.UTC(), c.CreatedAt())
	assert.Equal(t, time.UTC, c.CreatedAt().Location())
}

func TestNewRejectsInvalidFields(t *testing.T) {
	tests := []struct {
		name, customerName, email string
		want                      []FieldError
	}{
		{"missing name", " ", "ana@example.com", []FieldError{{"name", "is required"}}},
		{"name too long", strings.Repeat("é", MaxNameLength+1), "ana@example.com", []FieldError{{"name", "must be at most 200 characters"}}},
		{"missing email", "Ana", "", []FieldError{{"email", "is required"}}},
		{"email without at", "Ana", "ana.example.com", []FieldError{{"email", "must be a valid email address"}}},
		{"email with display name", "Ana", "Ana <ana@example.com>", []FieldError{{"email", "must be a valid email address"}}},
		{"email without domain dot", "Ana", "ana@localhost", []FieldError{{"email", "must be a valid email address"}}},
		{"email too long", "Ana", strings.Repeat("a", MaxEmailLength) + "@example.com", []FieldError{{"email", "must be a valid email address"}}},
		{"every field", "", "nope", []FieldError{{"name", "is required"}, {"email", "must be a valid email address"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(uuid.Must(uuid.NewV7()), tt.customerName, tt.email, time.Now())

			require.ErrorIs(t, err, ErrInvalid)
			var invalid *ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, tt.want, invalid.Fields)
		})
	}
}

func TestNameLengthCountsCharactersNotBytes(t *testing.T) {
	_, err := New(uuid.Must(uuid.NewV7()), strings.Repeat("é", MaxNameLength), "ana@example.com", time.Now())

	assert.NoError(t, err)
}

func TestErrorCodes(t *testing.T) {
	assert.Equal(t, "customer.invalid", ErrInvalid.Code())
	assert.Equal(t, "customer.not_found", ErrNotFound.Code())
	assert.Equal(t, "customer.email_taken", ErrEmailTaken.Code())
	err := &ValidationError{Fields: []FieldError{{"name", "is required"}, {"email", "is required"}}}
	assert.Equal(t, "invalid customer: name is required; email is required", err.Error())
}
