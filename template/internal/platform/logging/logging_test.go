package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewWritesJSONAtLevel(t *testing.T) {
	var buf bytes.Buffer
	logger := New(&buf, slog.LevelInfo)

	logger.Debug("dropped")
	logger.Info("kept", "answer", 42)

	var record map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &record), "exactly one JSON record")
	assert.Equal(t, "INFO", record["level"])
	assert.Equal(t, "kept", record["msg"])
	assert.InDelta(t, 42, record["answer"], 0)
}
