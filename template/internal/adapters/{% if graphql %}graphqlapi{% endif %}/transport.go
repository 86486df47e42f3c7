package graphqlapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Media types of GraphQL over HTTP responses.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP as https://graphql.github.io/graphql-over-http/
// specifies: POST with a JSON body for any operation, GET with the request in the query
// string for queries only. A client that accepts application/graphql-response+json gets it,
// with 400 for an operation that cannot run (it does not parse, is invalid or exceeds a
// limit); others get application/json with 200 for those. A request that is not GraphQL over
// HTTP at all (another media type, a body too large or not JSON, a mutation over GET) gets
// its 4xx either way. Any response whose errors include an unavailable dependency carries
// Retry-After.
type httpTransport struct{}

// Supports implements graphql.Transport.
func (httpTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodPost || r.Method == http.MethodGet
}

// Do implements graphql.Transport.
func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	out := responder{w: w, mediaType: responseMediaType(r)}
	start := graphql.Now()
	params, problem := readParams(r)
	if problem != nil {
		out.write(problem.status, exec.DispatchError(ctx, gqlerror.List{problem.err}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if out.mediaType == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		out.write(status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		out.write(http.StatusMethodNotAllowed, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlerror.List{
			requestError(codeMutationOverGET, "Only queries may be sent with GET; send "+string(opCtx.Operation.Operation)+"s with POST."),
		}))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	if resp := responses(ctx); resp != nil {
		out.write(http.StatusOK, resp)
	}
}

// refusal answers a request that is not GraphQL over HTTP, with its status.
type refusal struct {
	status int
	err    *gqlerror.Error
}

// params is a GraphQL request: the body of a POST, or the query string of a GET.
type params struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

const malformedBody = "The body must be one JSON object with a query string and, optionally, " +
	"operationName (a string), variables and extensions (objects)."

// readParams reads the GraphQL request r carries.
func readParams(r *http.Request) (*graphql.RawParams, *refusal) {
	if r.Method == http.MethodGet {
		return queryParams(r.URL.Query())
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != mediaJSON {
		return nil, &refusal{http.StatusUnsupportedMediaType, requestError(codeUnsupportedMediaType,
			"The body must be JSON, sent with Content-Type: application/json.")}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &refusal{http.StatusRequestEntityTooLarge, requestError(codeTooLarge,
				fmt.Sprintf("The body exceeds the limit of %d bytes.", tooLarge.Limit))}
		}
		return nil, &refusal{http.StatusBadRequest, requestError(codeMalformedJSON, "The body could not be read.")}
	}
	var p params
	if err := decodeJSON(body, &p); err != nil {
		return nil, &refusal{http.StatusBadRequest, requestError(codeMalformedJSON, malformedBody)}
	}
	return p.raw(), nil
}

// queryParams reads the GraphQL request of a GET: query and operationName as they are,
// variables and extensions as JSON objects.
func queryParams(values url.Values) (*graphql.RawParams, *refusal) {
	p := params{Query: values.Get("query"), OperationName: values.Get("operationName")}
	for _, object := range []struct {
		name string
		dst  *map[string]any
	}{
		{"variables", &p.Variables},
		{"extensions", &p.Extensions},
	} {
		if raw := values.Get(object.name); raw != "" {
			if err := decodeJSON([]byte(raw), object.dst); err != nil {
				return nil, &refusal{http.StatusBadRequest, requestError(codeMalformedJSON,
					"The "+object.name+" parameter must be a JSON object.")}
			}
		}
	}
	return p.raw(), nil
}

func (p params) raw() *graphql.RawParams {
	return &graphql.RawParams{
		Query:         p.Query,
		OperationName: p.OperationName,
		Variables:     p.Variables,
		Extensions:    p.Extensions,
	}
}

// decodeJSON reads exactly one JSON value into dst, keeping numbers exact: a 64-bit
// integer variable must not pass through a float64.
func decodeJSON(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value")
	}
	return nil
}

// responseMediaType is application/graphql-response+json when the client accepts it, and
// application/json otherwise.
func responseMediaType(r *http.Request) string {
	for accepted := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		if mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(accepted)); err == nil && mediaType == mediaGraphQLResponse {
			return mediaGraphQLResponse
		}
	}
	return mediaJSON
}

// responder writes GraphQL responses in one media type.
type responder struct {
	w         http.ResponseWriter
	mediaType string
}

func (out responder) write(status int, resp *graphql.Response) {
	body, err := json.Marshal(resp)
	if err != nil {
		http.Error(out.w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	out.w.Header().Set("Content-Type", out.mediaType)
	if anyUnavailable(resp.Errors) {
		out.w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	out.w.WriteHeader(status)
	_, _ = out.w.Write(append(body, '\n'))
}
