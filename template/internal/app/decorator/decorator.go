// Package decorator wraps every command and query handler with the same cross-cutting
// behaviour, written once: each Decorator sees every handler of either kind.
//
// Handlers are wrapped where the application is assembled, never inside the handlers, so a
// handler holds only its use case.
package decorator

import (
	"context"
	"fmt"
	"strings"
)

// CommandHandler handles one command: a request to change state.
type CommandHandler[C, R any] interface {
	Handle(ctx context.Context, cmd C) (R, error)
}

// QueryHandler handles one query: a request to read state, which never changes it.
type QueryHandler[Q, R any] interface {
	Handle(ctx context.Context, query Q) (R, error)
}

// Kinds of handler.
const (
	KindCommand = "command"
	KindQuery   = "query"
)

// Handler names the handler a decorator wraps.
type Handler struct {
	// Kind is KindCommand or KindQuery.
	Kind string
	// Name is derived from the handler's type: *command.PostTransactionHandler is
	// PostTransaction.
	Name string
}

// Func is a handler call with its types erased, the shape every decorator wraps.
type Func func(ctx context.Context, in any) (any, error)

// Decorator wraps the call of the handler h with cross-cutting behaviour. It runs once per
// handler, when the application is assembled, and returns the wrapped call.
type Decorator func(h Handler, next Func) Func

// ApplyCommandDecorators wraps a command handler with decorators; the first one runs
// innermost, closest to the handler.
func ApplyCommandDecorators[C, R any](h CommandHandler[C, R], decorators ...Decorator) CommandHandler[C, R] {
	return apply[C, R](h, KindCommand, decorators)
}

// ApplyQueryDecorators wraps a query handler with decorators; the first one runs innermost,
// closest to the handler.
func ApplyQueryDecorators[Q, R any](h QueryHandler[Q, R], decorators ...Decorator) QueryHandler[Q, R] {
	return apply[Q, R](h, KindQuery, decorators)
}

// handler is the shape commands and queries share.
type handler[T, R any] interface {
	Handle(ctx context.Context, in T) (R, error)
}

// apply erases the types of h, builds the chain from the inside out, and restores the types.
func apply[T, R any](h handler[T, R], kind string, decorators []Decorator) handler[T, R] {
	if len(decorators) == 0 {
		return h
	}
	info := Handler{Kind: kind, Name: handlerName(h)}
	call := Func(func(ctx context.Context, in any) (any, error) {
		return h.Handle(ctx, in.(T))
	})
	for _, d := range decorators {
		call = d(info, call)
	}
	return typed[T, R]{call: call}
}

// typed is a decorated chain with the handler's types restored.
type typed[T, R any] struct {
	call Func
}

func (t typed[T, R]) Handle(ctx context.Context, in T) (R, error) {
	out, err := t.call(ctx, in)
	r, _ := out.(R) // a nil out is the zero R
	return r, err
}

// handlerName derives a stable name from the handler's type:
// *command.RegisterCustomerHandler becomes RegisterCustomer.
func handlerName(h any) string {
	name, _, _ := strings.Cut(fmt.Sprintf("%T", h), "[")
	name = name[strings.LastIndex(name, ".")+1:]
	return strings.TrimSuffix(name, "Handler")
}
