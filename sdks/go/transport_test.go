package plystra_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	plystra "github.com/plystra/go-plystra"
)

// faultProxy is a reverse proxy in front of the real Core that fails or delays the next requests
// to a path as told, and records every request it sees.
type faultProxy struct {
	*httptest.Server
	mu     sync.Mutex
	faults map[string][]fault
	seen   []recorded
}

type fault struct {
	status     int           // answer this status instead of proxying (0: proxy)
	retryAfter string        // Retry-After header of that answer
	delay      time.Duration // wait this long first (cut short when the client gives up)
	drop       bool          // close the connection without answering
}

func newFaultProxy(t *testing.T) *faultProxy {
	t.Helper()
	target, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{faults: map[string][]fault{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		var f fault
		if queue := p.faults[r.URL.Path]; len(queue) > 0 {
			f, p.faults[r.URL.Path] = queue[0], queue[1:]
		}
		p.seen = append(p.seen, recorded{method: r.Method, path: r.URL.Path, requestID: r.Header.Get("X-Request-ID"), status: f.status})
		p.mu.Unlock()
		if f.delay > 0 {
			select {
			case <-time.After(f.delay):
			case <-r.Context().Done():
				return
			}
		}
		if f.drop {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		if f.status != 0 {
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.status)
			_, _ = w.Write([]byte(`{"error":{"code":"UPSTREAM_UNAVAILABLE","message":"injected by the test proxy","details":null,"request_id":"` + r.Header.Get("X-Request-ID") + `"},"request_id":"` + r.Header.Get("X-Request-ID") + `"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *faultProxy) inject(path string, faults ...fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[path] = append(p.faults[path], faults...)
}

func (p *faultProxy) requests(path string) []recorded {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []recorded
	for _, r := range p.seen {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func fastRetries() plystra.Option {
	return plystra.WithRetryBackoff(5*time.Millisecond, 20*time.Millisecond)
}

func TestRetryAfter503ReachesCoreWithOneRequestID(t *testing.T) {
	ctx := testContext(t)
	proxy := newFaultProxy(t)
	proxy.inject("/api/v1/version", fault{status: 503}, fault{status: 502})
	client := plystra.NewClient(proxy.URL, fastRetries())

	v, err := client.System.Version(ctx)
	if err != nil {
		t.Fatalf("Version through two injected failures: %v", err)
	}
	if !strings.HasPrefix(v.Version, "1.0.0") {
		t.Errorf("version = %q", v.Version)
	}
	seen := proxy.requests("/api/v1/version")
	if len(seen) != 3 {
		t.Fatalf("attempts = %d, want 3 (503, 502, then Core)", len(seen))
	}
	if seen[0].requestID == "" || seen[0].requestID != seen[1].requestID || seen[1].requestID != seen[2].requestID {
		t.Errorf("request ids across retries = %q %q %q, want one id", seen[0].requestID, seen[1].requestID, seen[2].requestID)
	}
}

func TestRetryHonoursRetryAfterAndSparesNonIdempotentCalls(t *testing.T) {
	ctx := testContext(t)
	proxy := newFaultProxy(t)
	admin := plystra.NewClient(proxy.URL, fastRetries())
	if _, err := admin.Auth.Login(ctx, alice.email, alice.password); err != nil {
		t.Fatal(err)
	}

	// A POST answered 502 may have been applied: it is not resent.
	proxy.inject("/api/v1/authz/check", fault{status: 502})
	input := plystra.AuthzCheckInput{ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve"}
	_, err := admin.Authz.Check(ctx, input)
	var apiErr *plystra.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 {
		t.Fatalf("POST after 502: got %v, want the 502", err)
	}
	if n := len(proxy.requests("/api/v1/authz/check")); n != 1 {
		t.Errorf("POST attempts after 502 = %d, want 1", n)
	}

	// 503 with Retry-After promises the request was not acted on: even a POST retries, after the pause.
	proxy.inject("/api/v1/authz/check", fault{status: 503, retryAfter: "1"})
	start := time.Now()
	d, err := admin.Authz.Check(ctx, input)
	if err != nil || !d.Allow {
		t.Fatalf("POST after 503 + Retry-After: %+v, %v", d, err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %v, want Retry-After's 1s", waited)
	}
	if n := len(proxy.requests("/api/v1/authz/check")); n != 3 {
		t.Errorf("POST attempts total = %d, want 3", n)
	}

	// Retries are bounded: WithRetries(1) gives up after two 503s and reports the last.
	proxy.inject("/api/v1/version", fault{status: 503}, fault{status: 503}, fault{status: 503})
	_, err = plystra.NewClient(proxy.URL, fastRetries(), plystra.WithRetries(1)).System.Version(ctx)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("after exhausted retries: got %v, want 503", err)
	}
	if n := len(proxy.requests("/api/v1/version")); n != 2 {
		t.Errorf("attempts with WithRetries(1) = %d, want 2", n)
	}
}

func TestDroppedConnectionsRetryOnlyIdempotentCalls(t *testing.T) {
	ctx := testContext(t)
	proxy := newFaultProxy(t)
	client := plystra.NewClient(proxy.URL, fastRetries())
	proxy.inject("/api/v1/health", fault{drop: true})
	if _, err := client.System.Health(ctx); err != nil {
		t.Fatalf("GET after a dropped connection: %v", err)
	}
	if n := len(proxy.requests("/api/v1/health")); n != 2 {
		t.Errorf("GET attempts = %d, want 2", n)
	}

	proxy.inject("/api/v1/auth/login", fault{drop: true})
	_, err := client.Auth.Login(ctx, alice.email, alice.password)
	var urlErr *url.Error
	if !errors.As(err, &urlErr) || errors.As(err, new(*plystra.APIError)) {
		t.Fatalf("POST on a dropped connection: got %v, want the network error", err)
	}
	if n := len(proxy.requests("/api/v1/auth/login")); n != 1 {
		t.Errorf("POST attempts = %d, want 1 (it may have been applied)", n)
	}
}

func TestTimeoutAndCancellation(t *testing.T) {
	proxy := newFaultProxy(t)
	proxy.inject("/api/v1/version", fault{delay: 5 * time.Second})
	client := plystra.NewClient(proxy.URL, plystra.WithTimeout(200*time.Millisecond), plystra.WithRetries(0))
	start := time.Now()
	_, err := client.System.Version(context.Background())
	if !plystra.IsTimeout(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow answer with WithTimeout(200ms): got %v, want a timeout", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("timeout took %v", took)
	}

	// The caller's own deadline applies too, and cancellation is reported as such.
	proxy.inject("/api/v1/health", fault{delay: 5 * time.Second}, fault{delay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err = plystra.NewClient(proxy.URL).System.Health(ctx)
	if !plystra.IsTimeout(err) {
		t.Fatalf("caller deadline: got %v, want a timeout", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = plystra.NewClient(proxy.URL).System.Health(ctx)
	if !errors.Is(err, context.Canceled) || plystra.IsTimeout(err) {
		t.Fatalf("cancelled call: got %v, want context.Canceled", err)
	}

	// A timeout during backoff ends the call rather than sleeping past the deadline.
	proxy.inject("/api/v1/ready", fault{status: 503, retryAfter: "30"})
	start = time.Now()
	_, err = plystra.NewClient(proxy.URL, plystra.WithTimeout(time.Second)).System.Ready(context.Background())
	if !errors.As(err, new(*plystra.APIError)) || time.Since(start) > 900*time.Millisecond {
		t.Errorf("Retry-After beyond the deadline: got %v after %v, want the 503 at once", err, time.Since(start))
	}
}

func TestHeadersAndRequestIDs(t *testing.T) {
	ctx := testContext(t)
	rec := &recorder{}
	var seenUA, seenCustom string
	client := newClient(
		plystra.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			seenUA, seenCustom = r.Header.Get("User-Agent"), r.Header.Get("X-Tenant")
			return rec.RoundTrip(r)
		})}),
		plystra.WithUserAgent("billing-service/2.1"),
		plystra.WithHeader("X-Tenant", "acme"),
	)
	if _, err := client.System.Health(plystra.WithRequestID(ctx, "req_go_header_probe")); err != nil {
		t.Fatal(err)
	}
	if seenUA != "billing-service/2.1" || seenCustom != "acme" {
		t.Errorf("headers sent: User-Agent %q, X-Tenant %q", seenUA, seenCustom)
	}
	if got := rec.byPath("/api/v1/health")[0].requestID; got != "req_go_header_probe" {
		t.Errorf("X-Request-ID = %q", got)
	}
	_, _ = client.System.Health(ctx)
	if got := rec.byPath("/api/v1/health")[1].requestID; !strings.HasPrefix(got, "req_") || got == "req_go_header_probe" {
		t.Errorf("generated request id = %q", got)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
