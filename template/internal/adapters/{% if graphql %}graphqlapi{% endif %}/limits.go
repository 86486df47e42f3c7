package graphqlapi

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// limits refuses, before it runs, an operation that nests fields deeper than maxDepth and,
// unless introspection is enabled, one that reads the schema. gqlgen limits the complexity
// of an operation but not its depth.
type limits struct {
	maxDepth      int
	introspection bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limits{}

// ExtensionName implements graphql.HandlerExtension.
func (limits) ExtensionName() string { return "Limits" }

// Validate implements graphql.HandlerExtension.
func (limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator. It runs once the
// operation is parsed and validated, so its fragments are known and spread no cycle.
func (l limits) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	s := shape{fragments: opCtx.Doc.Fragments, limit: l.maxDepth}
	depth := s.depth(opCtx.Operation.SelectionSet, 0)
	switch {
	case depth > l.maxDepth:
		return requestError(codeTooDeep,
			fmt.Sprintf("The operation nests fields more than %d levels deep.", l.maxDepth))
	case s.introspects && !l.introspection:
		return requestError(codeIntrospectionDisabled,
			"Introspection is disabled on this endpoint; the schema is published with the service's API.")
	}
	return nil
}

// shape measures the selections of an operation.
type shape struct {
	fragments ast.FragmentDefinitionList
	// limit is the depth past which counting stops.
	limit int
	// introspects is set when a selection reads the schema (__schema or __type).
	introspects bool
}

// depth returns how deeply set nests fields below level above: a field counts one level, a
// fragment none. The schema's introspection fields are noted, not counted: their depth is
// the schema's own, which the validation rules bound.
func (s *shape) depth(set ast.SelectionSet, above int) int {
	if above > s.limit {
		return above
	}
	deepest := above
	for _, selection := range set {
		d := above
		switch sel := selection.(type) {
		case *ast.Field:
			if sel.Name == "__schema" || sel.Name == "__type" {
				s.introspects = true
				continue
			}
			d = s.depth(sel.SelectionSet, above+1)
		case *ast.InlineFragment:
			d = s.depth(sel.SelectionSet, above)
		case *ast.FragmentSpread:
			if f := s.fragments.ForName(sel.Name); f != nil {
				d = s.depth(f.SelectionSet, above)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
