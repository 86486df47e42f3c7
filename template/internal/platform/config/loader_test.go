package config

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoaderReadsTypedValues(t *testing.T) {
	l := NewLoader(lookup(map[string]string{
		"COUNT": "7", "ENABLED": "true", "TOKEN": " s3cret ", "POOL": "20",
	}))

	assert.Equal(t, 7, l.Int("COUNT", 1, 0, 10))
	assert.Equal(t, int32(20), l.Int32("POOL", 1, 1, 100))
	assert.Equal(t, 3, l.Int("MISSING_COUNT", 3, 0, 10))
	assert.True(t, l.Bool("ENABLED", false))
	assert.True(t, l.Bool("MISSING_FLAG", true))
	assert.Equal(t, "s3cret", l.Secret("TOKEN").Value(), "values are trimmed")
	assert.NoError(t, l.Err())
}

func TestLoaderCollectsEveryProblem(t *testing.T) {
	l := NewLoader(lookup(map[string]string{"COUNT": "11", "ENABLED": "yes please", "POOL": "4294967297"}))

	assert.Equal(t, 1, l.Int("COUNT", 1, 0, 10), "the default stands in for a bad value")
	assert.Equal(t, int32(10), l.Int32("POOL", 10, 1, 100), "a value beyond int32 is refused, not wrapped")
	assert.False(t, l.Bool("ENABLED", false))
	l.Secret("TOKEN")
	l.Fail("LIMITS", "%d exceeds %d", 3, 2)

	err := l.Err()
	require.Error(t, err)
	for _, want := range []string{`COUNT: "11" is not an integer from 0 to 10`, "ENABLED", "TOKEN: required", "LIMITS: 3 exceeds 2", `POOL: "4294967297"`} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestSecretIsNeverPrinted(t *testing.T) {
	s := NewLoader(lookup(map[string]string{"TOKEN": "s3cret"})).Secret("TOKEN")
	holder := struct{ Token Secret }{s}

	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(format, holder), "s3cret", format)
	}
	assert.NotContains(t, slog.AnyValue(s).Resolve().String(), "s3cret")
	assert.Equal(t, "s3cret", s.Value())
}

func TestSecretProblemNeverQuotesTheValue(t *testing.T) {
	l := NewLoader(lookup(map[string]string{}))
	l.Secret("TOKEN")
	assert.EqualError(t, l.Err(), "TOKEN: required")
}
