package plystra_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	plystra "github.com/plystra/go-plystra"
)

// baseURL is the real Core every test talks to: started by TestMain through the repo's shared
// launcher (scripts/test-core.mjs: fresh embedded database, or a fresh database on $DATABASE_URL's
// server; demo seed on), or PLYSTRA_TEST_BASE_URL when set (a Core you started yourself).
var baseURL string

var alice = struct{ email, password string }{"alice@example.com", "plystra-demo"}

// aliceActor is Alice acting as the Finance Reviewer: what an API-key caller names in managed mode.
var aliceActor = plystra.ActorContext{
	UserID:       "user_alice",
	MemberID:     "member_finance_reviewer",
	UserMemberID: "um_alice_finance_reviewer",
	SpaceID:      "space_acme",
}

func TestMain(m *testing.M) { os.Exit(runWithCore(m)) }

func runWithCore(m *testing.M) int {
	if url := os.Getenv("PLYSTRA_TEST_BASE_URL"); url != "" {
		baseURL = url
		os.Setenv("PLYSTRA_BASE_URL", url)
		return m.Run()
	}
	repoRoot, _ := filepath.Abs(filepath.Join("..", ".."))
	cmd := exec.Command("node", filepath.Join(repoRoot, "scripts", "test-core.mjs"))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "test-core:", err)
		return 1
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "test-core:", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start node scripts/test-core.mjs:", err)
		return 1
	}
	stop := func() {
		stdin.Close() // the launcher stops Core and drops its database when its stdin closes
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "PLYSTRA_BASE_URL="); ok {
				found <- url
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			stop()
			fmt.Fprintln(os.Stderr, "test-core exited without printing PLYSTRA_BASE_URL")
			return 1
		}
		baseURL = url
	case <-time.After(150 * time.Second):
		stop()
		fmt.Fprintln(os.Stderr, "test-core did not report PLYSTRA_BASE_URL within 150s")
		return 1
	}
	defer stop()
	// The examples read the base URL from the environment, as a user's program would.
	os.Setenv("PLYSTRA_BASE_URL", baseURL)
	return m.Run()
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newClient(opts ...plystra.Option) *plystra.Client {
	return plystra.NewClient(baseURL, opts...)
}

// aliceClient is a client logged in as Alice, the demo's instance super admin.
func aliceClient(t *testing.T, opts ...plystra.Option) *plystra.Client {
	t.Helper()
	c := newClient(opts...)
	if _, err := c.Auth.Login(testContext(t), alice.email, alice.password); err != nil {
		t.Fatalf("login as alice: %v", err)
	}
	return c
}

var seq atomic.Int64

// unique returns a short unique suffix for ids and names a test creates.
func unique(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, time.Now().UnixNano()%1_000_000_000, seq.Add(1))
}

// serviceKey creates an instance-level API key with the given permissions and revokes it at the
// end of the test.
func serviceKey(t *testing.T, admin *plystra.Client, permissions ...string) *plystra.APIKeyCreated {
	t.Helper()
	key, err := admin.APIKeys.Create(testContext(t), plystra.APIKeyCreateInput{
		Name:           unique("sdk_go"),
		Level:          plystra.APIKeyLevelInstance,
		PermissionKeys: permissions,
	})
	if err != nil {
		t.Fatalf("create api key: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.APIKeys.Revoke(context.Background(), key.ID, nil)
	})
	return key
}

// recorder is an http.RoundTripper over the real network that records what the client sent.
type recorder struct {
	mu    sync.Mutex
	calls []recorded
}

type recorded struct {
	method, path, requestID, authorization string
	status                                 int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	c := recorded{method: req.Method, path: req.URL.Path, requestID: req.Header.Get("X-Request-ID"), authorization: req.Header.Get("Authorization")}
	if res != nil {
		c.status = res.StatusCode
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return res, err
}

func (r *recorder) client() *http.Client { return &http.Client{Transport: r} }

func (r *recorder) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c.path == path {
			n++
		}
	}
	return n
}

func (r *recorder) byPath(path string) []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, c := range r.calls {
		if c.path == path {
			out = append(out, c)
		}
	}
	return out
}
