package plystra_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	plystra "github.com/plystra/go-plystra"
)

// The README's first example, run the way a user would: a fresh module outside this repository
// that requires github.com/plystra/go-plystra (replaced by this directory), against the real Core.
func TestReadmeQuickStartInAFreshModule(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```go\n(.*?)```").FindSubmatch(readme)
	if m == nil || !strings.Contains(string(m[1]), "package main") {
		t.Fatal("README.md has no leading ```go block holding a main package")
	}
	if got := runInFreshModule(t, m[1]); got != "allow" {
		t.Fatalf("README example printed %q, want allow", got)
	}
}

// docs/getting-started.md's Go section, verbatim: the guarded mutation runs after the allow only.
func TestGettingStartedGuardInAFreshModule(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "..", "docs", "getting-started.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## 5\\. Guard a mutation \\(Go\\).*?```go\n(.*?)```").FindSubmatch(guide)
	if m == nil {
		t.Fatal("docs/getting-started.md has no Go block in its section 5")
	}
	got := runInFreshModule(t, m[1])
	want := regexp.MustCompile(`^approved invoice_001 \(trace_id=trace_\S+ audit_log_id=audit_\S+\)\n` +
		`refused invoice_002: SCOPE_OUT_OF_BOUNDS \(trace_id=trace_\S+ audit_log_id=audit_\S+\)$`)
	if !want.MatchString(got) {
		t.Fatalf("getting-started example printed %q", got)
	}
}

// runInFreshModule builds main.go in a new module outside this repository that requires
// github.com/plystra/go-plystra (replaced by this directory), runs it against the test Core and
// returns its trimmed output.
func runInFreshModule(t *testing.T, mainGo []byte) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a separate module")
	}
	sdkDir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/quickstart\n\ngo 1.23\n\n" +
		"require github.com/plystra/go-plystra v" + plystra.Version + "\n\n" +
		"replace github.com/plystra/go-plystra => " + sdkDir + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), mainGo, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"run", "."}
	if raceEnabled {
		args = []string{"run", "-race", "."} // reuses the race-built standard library of this test binary
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PLYSTRA_BASE_URL="+baseURL, "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run of the example failed: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// The SDK version follows Core's contract version.
func TestVersionMatchesTheContract(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("..", "..", "openapi", "plystra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^info:\n(?:  .*\n)*?  version: "?([^"\n]+)"?\n`).FindSubmatch(spec)
	if m == nil {
		t.Fatal("no info.version in openapi/plystra.yaml")
	}
	if string(m[1]) != plystra.Version {
		t.Fatalf("plystra.Version = %s, contract info.version = %s", plystra.Version, m[1])
	}
}
