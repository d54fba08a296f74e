// Package structure checks the shape of the pkg module (issue 10): one concept per package,
// domain packages free of NATS, no package importing more than 8 of the project's, small files
// and short functions.
package structure

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/fleetbackup/fleetbackup/pkg"

// maxProjectImports bounds how many of the project's packages one package imports.
const maxProjectImports = 8

// domain are the packages that decide what is valid; they never talk to NATS.
var domain = []string{"plan", "preflight", "journal", "artifact", "manifest", "registry", "runs", "dispatch",
	"layout", "request", "planning", "checksum", "document", "principal", "timestamp", "candid", "restore", "retention", "snapkeep", "schedule"}

type listed struct {
	ImportPath   string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// packages lists every package of the module with its (non-test) imports.
func packages(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list unavailable here: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var all []listed
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			return all
		} else if err != nil {
			t.Fatal(err)
		}
		all = append(all, p)
	}
}

func TestNoPackageImportsMoreThanEightOfTheProject(t *testing.T) {
	for _, p := range packages(t) {
		n := 0
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") {
				n++
			}
		}
		if n > maxProjectImports {
			t.Errorf("%s imports %d of the project's packages (at most %d)", p.ImportPath, n, maxProjectImports)
		}
	}
}

func TestDomainPackagesImportNoNATS(t *testing.T) {
	isDomain := map[string]bool{}
	for _, d := range domain {
		isDomain[module+"/"+d] = true
	}
	for _, p := range packages(t) {
		if !isDomain[p.ImportPath] {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "github.com/nats-io/") {
				t.Errorf("domain package %s imports %s", p.ImportPath, imp)
			}
		}
	}
}

// A test helper (a package named *test or *check) used by P's tests never reaches P through
// another package: the harness cannot drag the package under test back in.
func TestNoHelperImportsWhatImportsTheTestedPackage(t *testing.T) {
	byPath := map[string]listed{}
	all := packages(t)
	for _, p := range all {
		byPath[p.ImportPath] = p
	}
	for _, p := range all {
		for _, h := range append(p.TestImports, p.XTestImports...) {
			helper, ok := byPath[h]
			if !ok || !(strings.HasSuffix(h, "test") || strings.HasSuffix(h, "check")) {
				continue
			}
			for _, x := range helper.Imports {
				if x != p.ImportPath && slices.Contains(byPath[x].Deps, p.ImportPath) {
					t.Errorf("%s's tests use %s, which imports %s, which imports %s", p.ImportPath, h, x, p.ImportPath)
				}
			}
		}
	}
}
