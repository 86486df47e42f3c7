package httpapi

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type decodeTarget struct {
	Name   string            `json:"name"`
	Count  int               `json:"count"`
	Amount integer           `json:"amount"`
	Tags   map[string]string `json:"tags"`
	Items  []decodeItem      `json:"items"`
}

type decodeItem struct {
	Note string `json:"note"`
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
		{"null field", "application/json", `{"name":null}`, http.StatusBadRequest, "request.invalid_field",
			[]fieldError{{Field: "name", Message: "must not be null; leave the field out instead"}}},
		{"null map value", "application/json", `{"tags":{"a":null}}`, http.StatusBadRequest, "request.invalid_field",
			[]fieldError{{Field: "tags.a", Message: "must not be null; leave the field out instead"}}},
		{"null in an array", "application/json", `{"items":[{"note":"a"},{"note":null}]}`, http.StatusBadRequest, "request.invalid_field",
			[]fieldError{{Field: "items[1].note", Message: "must not be null; leave the field out instead"}}},
		{"null body", "application/json", `null`, http.StatusBadRequest, "request.malformed_json", nil},
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

// JSON Schema's integers are numbers with an integer value, however they are written.
func TestIntegerReadsEveryIntegralNumber(t *testing.T) {
	for body, want := range map[string]integer{
		`0`: 0, `25`: 25, `-7`: -7, `25.0`: 25, `25.000`: 25, `2.5e1`: 25, `1E2`: 100, `1e+2`: 100,
		`9223372036854775807`: math.MaxInt64, `-9223372036854775808`: math.MinInt64, `92233720368547758.07e2`: math.MaxInt64,
	} {
		var n integer
		require.NoError(t, json.Unmarshal([]byte(body), &n), body)
		assert.Equal(t, want, n, body)
	}
	for _, body := range []string{`25.5`, `1e-1`, `9223372036854775808`, `-9223372036854775809`, `1e19`, `1e400`,
		`1e1000000000`, `0.` + strings.Repeat("0", 80) + `1e81`, `"25"`, `true`, `[]`, `{}`} {
		var n integer
		var wrong *json.UnmarshalTypeError
		require.ErrorAs(t, json.Unmarshal([]byte(body), &n), &wrong, body)
	}
}
