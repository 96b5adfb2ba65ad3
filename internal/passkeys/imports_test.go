package passkeys

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportsStayInward keeps the package free of HTTP and of drivers: it may
// import the standard library (minus net/http), the domain, go-webauthn and
// the public suffix list (to count related-origin sites as browsers do).
func TestImportsStayInward(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			firstElem, _, _ := strings.Cut(path, "/")
			stdlib := !strings.Contains(firstElem, ".") && firstElem != "movieapi"
			allowed := (stdlib && !strings.HasPrefix(path, "net/http")) ||
				path == "movieapi/internal/domain" ||
				strings.HasPrefix(path, "github.com/go-webauthn/webauthn/") ||
				path == "golang.org/x/net/publicsuffix"
			if !allowed {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}
