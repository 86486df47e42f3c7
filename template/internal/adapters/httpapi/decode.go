package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// decodeJSON reads the request body, which must be exactly one JSON object with no field
// unknown to dst, into dst. Its errors are problems: 415 for another media type, 413 past the
// body size limit, 400 otherwise.
func decodeJSON(r *http.Request, dst any) error {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return &requestError{newProblem(http.StatusUnsupportedMediaType, "request.unsupported_media_type",
			"The body must be JSON, sent with Content-Type: application/json.")}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil:
		return malformed("The body must hold a single JSON object.")
	default:
		return decodeError(err)
	}
}

func malformed(detail string) *requestError {
	return &requestError{newProblem(http.StatusBadRequest, "request.malformed_json", detail)}
}

func invalidField(field, message string) *requestError {
	p := newProblem(http.StatusBadRequest, "request.invalid_field", "The body does not match the expected schema.")
	p.Errors = []fieldError{{Field: field, Message: message}}
	return &requestError{p}
}

func decodeError(err error) *requestError {
	var (
		tooLarge  *http.MaxBytesError
		syntax    *json.SyntaxError
		wrongType *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return &requestError{newProblem(http.StatusRequestEntityTooLarge, "request.too_large",
			fmt.Sprintf("The body exceeds the limit of %d bytes.", tooLarge.Limit))}
	case errors.Is(err, io.EOF):
		return malformed("The body is empty; a JSON object is expected.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("The body ends in the middle of a JSON value.")
	case errors.As(err, &syntax):
		return malformed(fmt.Sprintf("The body is not valid JSON (at byte %d).", syntax.Offset))
	case errors.As(err, &wrongType) && wrongType.Field != "":
		return invalidField(wrongType.Field, "must be "+jsonKind(wrongType.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "): // encoding/json has no error type for it
		return invalidField(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown field")
	default:
		return malformed("The body must be a JSON object.")
	}
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}
