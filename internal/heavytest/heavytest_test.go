package heavytest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEveryHeavyTestRunsInMakeTest fails when a test skips under -race but
// the Makefile's second pass would not run it either: such a test would
// silently never run in make test.
func TestEveryHeavyTestRunsInMakeTest(t *testing.T) {
	root := filepath.Join("..", "..")
	vars := makeVariables(t, filepath.Join(root, "Makefile"))
	listed := strings.Fields(vars["HEAVY_TESTS"])
	pkgs := strings.Fields(vars["HEAVY_PKGS"])
	if len(listed) == 0 || len(pkgs) == 0 {
		t.Fatal("the Makefile defines no HEAVY_TESTS or HEAVY_PKGS")
	}
	found := map[string]string{} // test name → package directory
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		for _, name := range heavyTestsIn(t, path) {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			found[name] = "./" + filepath.ToSlash(rel) + "/"
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("no test calls heavytest.WithoutRace: the walk found nothing, so it is broken")
	}
	for name, pkg := range found {
		if !slices.Contains(listed, name) {
			t.Errorf("%s (%s) skips under -race but is not in the Makefile's HEAVY_TESTS", name, pkg)
		}
		if !slices.Contains(pkgs, pkg) {
			t.Errorf("%s is in %s, which is not in the Makefile's HEAVY_PKGS", name, pkg)
		}
	}
	for _, name := range listed {
		if _, ok := found[name]; !ok {
			t.Errorf("HEAVY_TESTS names %s, but no test of that name calls heavytest.WithoutRace", name)
		}
	}
}

// heavyTestsIn returns the top-level tests of a file that call
// heavytest.WithoutRace.
func heavyTestsIn(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if ok && sel.Sel.Name == "WithoutRace" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "heavytest" {
					names = append(names, fn.Name.Name)
					return false
				}
			}
			return true
		})
	}
	return names
}

// makeVariables reads the simple NAME := value assignments of a Makefile,
// with backslash continuations joined.
func makeVariables(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		name, value, ok := strings.Cut(line, ":=")
		if !ok || strings.ContainsAny(name, "\t$#") {
			continue
		}
		vars[strings.TrimSpace(name)] = strings.Join(strings.Fields(value), " ")
	}
	return vars
}
