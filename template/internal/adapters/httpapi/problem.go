package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
)

// problem is an RFC 9457 problem details object. Its type is always about:blank, so its title
// is the HTTP status text; Code is the stable, machine-readable reason clients switch on, and
// Errors lists the fields a validation problem is about.
type problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Code      string       `json:"code,omitempty"`
	Instance  string       `json:"instance,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Errors    []fieldError `json:"errors,omitempty"`
}

// fieldError says what is wrong with one field of a request.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func newProblem(status int, code, detail string) problem {
	return problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: code, Detail: detail}
}

func internalProblem() problem {
	return newProblem(http.StatusInternalServerError, "internal",
		"An unexpected error occurred. Quote the request_id when reporting it.")
}

// requestError is a problem with the request itself, found before any use case runs.
type requestError struct {
	problem problem
}

func (e *requestError) Error() string { return e.problem.Detail }

// writeError answers with the problem err maps to. Problems of the request come with their
// own; domain errors map through the problemFor table; anything else is a 500 whose details
// go only to the log, under the request id the client is given.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var reqErr *requestError
	var p problem
	if errors.As(err, &reqErr) {
		p = reqErr.problem
	} else {
		p = problemFor(err)
	}
	if p.Status == 0 {
		p = internalProblem()
	}
	if p.Status >= http.StatusInternalServerError {
		loggerFrom(r.Context()).LogAttrs(r.Context(), slog.LevelError, "request failed", slog.Any("error", err))
	}
	writeProblem(w, r, p)
}

func writeProblem(w http.ResponseWriter, r *http.Request, p problem) {
	p.Instance = r.URL.Path
	p.RequestID = requestIDFrom(r.Context())
	body, err := json.Marshal(p)
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}

// writeJSON answers with body as JSON.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, r, newProblem(http.StatusNotFound, "route.not_found", "No endpoint matches this path."))
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	writeProblem(w, r, newProblem(http.StatusMethodNotAllowed, "route.method_not_allowed",
		"The endpoint does not support "+r.Method+"; see the Allow header."))
}
