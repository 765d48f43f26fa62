package plystra

import (
	"net/http"
	"strings"
	"time"
)

// DefaultBaseURL is where a local Core listens (`pnpm dev`, Docker Compose).
const DefaultBaseURL = "http://localhost:8080"

// Tokens are the session tokens a client holds in token mode. Zero values mean "none".
type Tokens struct {
	// AccessToken is the bearer token (`ply_at_…`) sent on every call.
	AccessToken string
	// RefreshToken (`ply_rt_…`) rotates the pair when the access token expires. Single use.
	RefreshToken string
	// ExpiresAt is when AccessToken expires (zero when unknown).
	ExpiresAt time.Time
	// RefreshExpiresAt is when RefreshToken expires (zero when unknown).
	RefreshExpiresAt time.Time
}

// Option configures a Client in NewClient.
type Option func(*transport)

// WithAPIKey selects API-key mode: the key (`ply_ak_…`) is sent as X-Plystra-API-Key and takes
// precedence over session tokens. API-key callers name the actor of a check themselves.
func WithAPIKey(key string) Option { return func(t *transport) { t.apiKey = key } }

// WithAccessToken sets the session access token of token mode (e.g. one restored from storage).
func WithAccessToken(token string) Option {
	return func(t *transport) { t.tokens.AccessToken = token }
}

// WithRefreshToken sets the session refresh token; with it an expired access token is refreshed
// transparently (once, shared by all goroutines) and the call retried.
func WithRefreshToken(token string) Option {
	return func(t *transport) { t.tokens.RefreshToken = token }
}

// WithHTTPClient sets the *http.Client requests go through (default: a client of its own with
// keep-alive connections). Its Timeout, if any, applies to each attempt.
func WithHTTPClient(hc *http.Client) Option { return func(t *transport) { t.http = hc } }

// WithHeader adds a header sent on every request.
func WithHeader(name, value string) Option {
	return func(t *transport) { t.headers.Add(name, value) }
}

// WithUserAgent sets the User-Agent header (default "go-plystra/<Version>").
func WithUserAgent(ua string) Option { return func(t *transport) { t.userAgent = ua } }

// WithTimeout bounds each call, its retries included (default 30s). Zero or less disables the
// client's own deadline; the caller's context still applies.
func WithTimeout(d time.Duration) Option { return func(t *transport) { t.timeout = d } }

// WithRetries sets how many times a failed attempt is retried (default 2). Retried: network
// errors and 429/502/503/504 for idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS), and 429/503
// with a Retry-After header for any method (the server promises it did not act).
func WithRetries(n int) Option {
	return func(t *transport) {
		if n < 0 {
			n = 0
		}
		t.retries = n
	}
}

// WithRetryBackoff sets the base and the cap of the exponential backoff between retries (defaults
// 300ms and 8s). Each delay is drawn uniformly from [0, min(max, base·2^attempt)) ("full jitter").
func WithRetryBackoff(base, max time.Duration) Option {
	return func(t *transport) { t.backoffBase, t.backoffMax = base, max }
}

// WithTokenChange registers a callback run after every change of the session tokens (login,
// refresh, explicit or transparent, and logout or a refused refresh, which clear them), so callers
// can persist them. It may be called from any goroutine (a shared refresh runs on its own), so
// make it safe for concurrent use, and keep it short: the change waits for it.
func WithTokenChange(fn func(Tokens)) Option { return func(t *transport) { t.onTokenChange = fn } }

// NewClient returns a client for the Core at baseURL (e.g. "http://localhost:8080"; a trailing
// slash is fine; empty means DefaultBaseURL).
//
//	client := plystra.NewClient(os.Getenv("PLYSTRA_BASE_URL"), plystra.WithAPIKey(os.Getenv("PLYSTRA_API_KEY")))
//	ok, err := client.Authz.IsAllowed(ctx, plystra.AuthzCheckInput{ … })
func NewClient(baseURL string, opts ...Option) *Client {
	if strings.TrimSpace(baseURL) == "" {
		baseURL = DefaultBaseURL
	}
	t := &transport{
		baseURL:     strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		http:        &http.Client{},
		headers:     http.Header{},
		userAgent:   "go-plystra/" + Version,
		timeout:     30 * time.Second,
		retries:     2,
		backoffBase: 300 * time.Millisecond,
		backoffMax:  8 * time.Second,
	}
	for _, opt := range opts {
		opt(t)
	}
	if t.http == nil {
		t.http = &http.Client{}
	}
	c := &Client{t: t}
	c.initServices()
	return c
}

// Tokens returns the session tokens the client currently holds.
func (c *Client) Tokens() Tokens {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return c.t.tokens
}

// SetTokens replaces the held session tokens, e.g. with ones restored from storage. It does not
// call the WithTokenChange callback.
func (c *Client) SetTokens(tokens Tokens) {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	c.t.tokens = tokens
}

// SetAPIKey switches the client to API-key mode, or with "" back to token mode.
func (c *Client) SetAPIKey(key string) {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	c.t.apiKey = key
}
