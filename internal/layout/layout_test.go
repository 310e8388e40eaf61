// Package layout holds tests of the shape of the code base itself: how
// large production files and functions may grow, and which packages may
// import which (docs/architecture.md).
package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Limits of production code (tests and generated files aside).
const (
	maxFileLines = 500
	maxFuncLines = 80
)

const module = "github.com/scimd/scimd"

// root is the module's root, seen from this package's directory.
const root = "../.."

// sources parses every production Go file of the module.
func sources(t *testing.T) (map[string]*ast.File, *token.FileSet) {
	t.Helper()
	fset := token.NewFileSet()
	files := make(map[string]*ast.File)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules", "vendor", "bin", "data":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		files[filepath.ToSlash(rel)] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files found")
	}
	return files, fset
}

// testSuite reports whether a file belongs to a test suite package
// (storagetest, scimtest, sqltest, mysqltest: suites run against every
// backend and server, and test helpers): test code, not production code,
// whatever its file name.
func testSuite(path string) bool {
	return strings.HasSuffix(filepath.ToSlash(filepath.Dir(path)), "test")
}

// TestSizes keeps production files under maxFileLines lines and functions
// under maxFuncLines lines.
func TestSizes(t *testing.T) {
	files, fset := sources(t)
	for path, f := range files {
		if testSuite(path) {
			continue
		}
		if n := fset.File(f.Pos()).LineCount(); n > maxFileLines {
			t.Errorf("%s has %d lines, more than %d: split it by concern", path, n, maxFileLines)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			n := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if n > maxFuncLines {
				t.Errorf("%s: func %s has %d lines, more than %d", path, fn.Name.Name, n, maxFuncLines)
			}
		}
	}
}

// forbidden lists, for a package path prefix (relative to the module), the
// module packages it must not import.
var forbidden = []struct {
	from string
	not  []string
	why  string
}{
	{"storage", []string{"scim", "admin", "directory", "cmd", "internal/reqlog"}, "storage knows nothing of the doors, the service or HTTP"},
	{"schemas", []string{"storage", "scim", "admin", "directory", "cmd"}, "schemas imports neither storage nor the doors"},
	{"directory", []string{"scim", "admin", "cmd", "storage/sqlite", "storage/mysql"}, "the service knows no door and no backend"},
	{"admin", []string{"scim", "storage/sqlite", "storage/mysql", "storage/internal"}, "doors call the service and the storage interface, never another door or a backend"},
	{"scim", []string{"admin", "storage/sqlite", "storage/mysql", "storage/internal"}, "doors call the service and the storage interface, never another door or a backend"},
}

// TestImports enforces what may import what.
func TestImports(t *testing.T) {
	files, _ := sources(t)
	for path, f := range files {
		pkg := filepath.ToSlash(filepath.Dir(path))
		for _, rule := range forbidden {
			if pkg != rule.from && !strings.HasPrefix(pkg, rule.from+"/") {
				continue
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if p == "net/http" && rule.from == "storage" {
					t.Errorf("%s imports net/http: %s", path, rule.why)
				}
				rel, ok := strings.CutPrefix(p, module+"/")
				if !ok {
					continue
				}
				if slices.ContainsFunc(rule.not, func(n string) bool { return rel == n || strings.HasPrefix(rel, n+"/") }) {
					t.Errorf("%s imports %s: %s", path, p, rule.why)
				}
			}
		}
	}
}
