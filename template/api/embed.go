// Package api holds the service's API contracts.
package api

import _ "embed"

// OpenAPI is the REST contract (OpenAPI 3.1) of the service, served at GET /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
