package mongo

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

func TestIsUnavailable(t *testing.T) {
	for name, err := range map[string]error{
		"no server":    fmt.Errorf("insert customer: %w", topology.ServerSelectionError{Wrapped: errors.New("server selection timeout")}),
		"disconnected": mongo.ErrClientDisconnected,
		"deadline":     fmt.Errorf("find customer: %w", context.DeadlineExceeded),
	} {
		assert.True(t, IsUnavailable(err), name)
	}
	for name, err := range map[string]error{
		"duplicate key": mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000}}},
		"no document":   mongo.ErrNoDocuments,
		"anything else": errors.New("boom"),
	} {
		assert.False(t, IsUnavailable(err), name)
	}
}
