package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"reflect"
	"strconv"
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
	var body json.RawMessage
	if err := dec.Decode(&body); err != nil {
		return decodeError(err)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err == nil:
		return malformed("The body must hold a single JSON object.")
	default:
		return decodeError(err)
	}
	if !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
		return malformed("The body must be a JSON object.")
	}
	if field, ok := nullField(body); ok {
		return invalidField(field, "must not be null; leave the field out instead")
	}
	fields := json.NewDecoder(bytes.NewReader(body))
	fields.DisallowUnknownFields()
	if err := fields.Decode(dst); err != nil {
		return decodeError(err)
	}
	return nil
}

// nullField returns the path of the first null in a JSON body. No field of a request is
// nullable: encoding/json would read null as the zero value and accept what the API
// contract refuses.
func nullField(body json.RawMessage) (string, bool) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "", false
	}
	return findNull(v, "")
}

func findNull(v any, path string) (string, bool) {
	switch v := v.(type) {
	case nil:
		return path, path != ""
	case map[string]any:
		for k, item := range v {
			field := k
			if path != "" {
				field = path + "." + k
			}
			if found, ok := findNull(item, field); ok {
				return found, true
			}
		}
	case []any:
		for i, item := range v {
			if found, ok := findNull(item, path+"["+strconv.Itoa(i)+"]"); ok {
				return found, true
			}
		}
	}
	return "", false
}

// maxIntegerLiteral bounds the literals integer parses exactly.
const maxIntegerLiteral = 64

// exponentBeyond reports whether a JSON number's exponent exceeds limit in magnitude.
func exponentBeyond(number string, limit int) bool {
	i := strings.IndexAny(number, "eE")
	if i < 0 {
		return false
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(number[i+1:], "+"))
	return err != nil || exp > limit || exp < -limit
}

// integer is an int64 read from any JSON number with an integer value, as JSON Schema
// defines integers: 25, 25.0 and 2.5e1 are the same 25; 25.5 or one beyond int64 is refused.
type integer int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *integer) UnmarshalJSON(data []byte) error {
	text := string(data)
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = integer(i)
		return nil
	}
	wrong := &json.UnmarshalTypeError{Value: "number " + text, Type: reflect.TypeFor[int64]()}
	if text == "" || (text[0] != '-' && (text[0] < '0' || text[0] > '9')) {
		wrong.Value = "non-number"
		return wrong
	}
	// An int64 has at most 19 digits: a longer literal or a larger exponent cannot be one
	// (and would cost big.Rat time and memory to find out).
	if len(text) > maxIntegerLiteral || exponentBeyond(text, maxIntegerLiteral) {
		return wrong
	}
	exact, ok := new(big.Rat).SetString(text)
	if !ok || !exact.IsInt() || !exact.Num().IsInt64() {
		return wrong
	}
	*n = integer(exact.Num().Int64())
	return nil
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
		return &requestError{tooLargeProblem(tooLarge.Limit)}
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
