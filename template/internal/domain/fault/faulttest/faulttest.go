// Package faulttest finds the domain errors a service declares, so that the test of each
// inbound adapter can prove its one table maps every one of them: a domain error added
// without a mapping fails those tests instead of answering as an internal error.
package faulttest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Codes returns the codes of the errors declared with fault.New in the Go sources under dir
// (the domain packages, internal/domain), tests left out.
func Codes(t testing.TB, dir string) []string {
	t.Helper()
	var codes []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isFaultNew(call.Fun) {
				return true
			}
			code, ok := stringLiteral(call.Args)
			if !ok {
				t.Errorf("%s: fault.New without a literal code", fset.Position(call.Pos()))
				return true
			}
			codes = append(codes, code)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatalf("read the domain packages under %s: %v", dir, err)
	}
	if len(codes) == 0 {
		t.Fatalf("no domain error declared with fault.New under %s", dir)
	}
	return codes
}

// isFaultNew reports whether fun is fault.New.
func isFaultNew(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "New" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "fault"
}

// stringLiteral returns the value of the first argument when it is a string literal.
func stringLiteral(args []ast.Expr) (string, bool) {
	if len(args) == 0 {
		return "", false
	}
	lit, ok := args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
