package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type decodeTarget struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func TestDecodeJSON(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name":"a","count":2}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")

	var got decodeTarget
	require.NoError(t, decodeJSON(req, &got))
	assert.Equal(t, decodeTarget{Name: "a", Count: 2}, got)
}

func TestDecodeJSONProblems(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		wantStatus              int
		wantCode                string
		wantFields              []fieldError
	}{
		{"no content type", "", `{}`, http.StatusUnsupportedMediaType, "request.unsupported_media_type", nil},
		{"other content type", "text/plain", `{}`, http.StatusUnsupportedMediaType, "request.unsupported_media_type", nil},
		{"empty body", "application/json", ``, http.StatusBadRequest, "request.malformed_json", nil},
		{"syntax error", "application/json", `{"name":}`, http.StatusBadRequest, "request.malformed_json", nil},
		{"truncated", "application/json", `{"name":"a"`, http.StatusBadRequest, "request.malformed_json", nil},
		{"two objects", "application/json", `{"name":"a"}{"name":"b"}`, http.StatusBadRequest, "request.malformed_json", nil},
		{"trailing garbage", "application/json", `{"name":"a"} x`, http.StatusBadRequest, "request.malformed_json", nil},
		{"not an object", "application/json", `["a"]`, http.StatusBadRequest, "request.malformed_json", nil},
		{"unknown field", "application/json", `{"name":"a","admin":true}`, http.StatusBadRequest, "request.invalid_field",
			[]fieldError{{Field: "admin", Message: "unknown field"}}},
		{"wrong type", "application/json", `{"count":"two"}`, http.StatusBadRequest, "request.invalid_field",
			[]fieldError{{Field: "count", Message: "must be an integer"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}

			var reqErr *requestError
			require.ErrorAs(t, decodeJSON(req, &decodeTarget{}), &reqErr)
			assert.Equal(t, tt.wantStatus, reqErr.problem.Status)
			assert.Equal(t, tt.wantCode, reqErr.problem.Code)
			assert.Equal(t, tt.wantFields, reqErr.problem.Errors)
		})
	}
}
