package plystra

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// operation is one contract operation as the generated services describe it.
type operation struct {
	id     string
	method string
	path   string
	noAuth bool // login, refresh, register: never send a credential
}

// transport holds a client's settings and credential state; every service shares one.
type transport struct {
	baseURL       string
	http          *http.Client
	headers       http.Header
	userAgent     string
	timeout       time.Duration
	retries       int
	backoffBase   time.Duration
	backoffMax    time.Duration
	onTokenChange func(Tokens)

	mu         sync.Mutex
	apiKey     string
	tokens     Tokens
	refreshing *refreshCall
}

// refreshCall is the one token refresh in flight; concurrent callers wait on done.
type refreshCall struct {
	done   chan struct{}
	result *RefreshResult
	err    error
}

// The generic shapes of the contract's success envelopes; `data` holds a generated type.
type envelope[T any] struct {
	Data      T      `json:"data"`
	RequestID string `json:"request_id"`
}

type listEnvelope[T any] struct {
	Data       []T        `json:"data"`
	Pagination Pagination `json:"pagination"`
	RequestID  string     `json:"request_id"`
}

// A server asking for a longer pause than this is better surfaced to the caller than slept on.
const maxRetryAfter = 60 * time.Second

// call performs an operation and returns the envelope's data.
func call[T any](ctx context.Context, t *transport, op operation, pathVals []string, query url.Values, body any) (*T, error) {
	raw, err := t.do(ctx, op, pathVals, query, body)
	if err != nil {
		return nil, err
	}
	var env envelope[T]
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("plystra: %s: decoding response: %w", op.id, err)
	}
	return &env.Data, nil
}

// callList performs a list operation and returns one page.
func callList[T any](ctx context.Context, t *transport, op operation, pathVals []string, query url.Values, body any) (*Page[T], error) {
	raw, err := t.do(ctx, op, pathVals, query, body)
	if err != nil {
		return nil, err
	}
	var env listEnvelope[T]
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("plystra: %s: decoding response: %w", op.id, err)
	}
	page := &Page[T]{Data: env.Data, HasMore: env.Pagination.HasMore, Limit: env.Pagination.Limit, RequestID: env.RequestID}
	if env.Pagination.Cursor != nil {
		page.Cursor = *env.Pagination.Cursor
	}
	return page, nil
}

// optionalBody sends `{}` for an optional request body the caller left nil.
func optionalBody[T any](body *T) any {
	if body == nil {
		return struct{}{}
	}
	return body
}

type credentialKind int

const (
	credNone credentialKind = iota
	credAPIKey
	credSession
)

type credential struct {
	kind  credentialKind
	value string
}

func (t *transport) credential(op operation) credential {
	if op.noAuth {
		return credential{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.apiKey != "" {
		return credential{credAPIKey, t.apiKey}
	}
	if t.tokens.AccessToken != "" {
		return credential{credSession, t.tokens.AccessToken}
	}
	return credential{}
}

// do runs one call: deadline, request id, retries, one transparent refresh on a rejected session.
// It returns the 2xx body or an error (*APIError for an HTTP error answer).
func (t *transport) do(ctx context.Context, op operation, pathVals []string, query url.Values, body any) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	path, err := expandPath(op.path, pathVals)
	if err != nil {
		return nil, fmt.Errorf("plystra: %s: %w", op.id, err)
	}
	target := t.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var payload []byte
	if body != nil {
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("plystra: %s: encoding request body: %w", op.id, err)
		}
	}
	if t.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
	}
	// One id for every attempt of this call, so the server's logs and audit rows tie them together.
	requestID := RequestIDFromContext(ctx)
	if requestID == "" {
		requestID = newRequestID()
	}
	refreshed := false
	for {
		cred := t.credential(op)
		res, data, err := t.send(ctx, op, target, payload, requestID, cred)
		if err != nil {
			return nil, err
		}
		if res.StatusCode >= 200 && res.StatusCode < 300 {
			return data, nil
		}
		if res.StatusCode == http.StatusUnauthorized && !refreshed && cred.kind == credSession && t.hasRefreshToken() {
			refreshed = true
			if _, err := t.refresh(ctx, "", cred.value); err != nil {
				return nil, err
			}
			continue
		}
		return nil, newAPIError(res, data)
	}
}

func (t *transport) hasRefreshToken() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tokens.RefreshToken != ""
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// send performs the attempts of one request and returns the last response with its body read.
func (t *transport) send(ctx context.Context, op operation, target string, payload []byte, requestID string, cred credential) (*http.Response, []byte, error) {
	idempotent := isIdempotent(op.method)
	for attempt := 0; ; attempt++ {
		res, data, err := t.attempt(ctx, op, target, payload, requestID, cred)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, contextError(ctx, op)
			}
			// A non-idempotent request may have reached the server; resending could apply it twice.
			if idempotent && attempt < t.retries {
				if err := sleep(ctx, t.backoff(attempt)); err != nil {
					return nil, nil, contextError(ctx, op)
				}
				continue
			}
			return nil, nil, fmt.Errorf("plystra: %s %s: %w", op.method, op.path, err)
		}
		if attempt >= t.retries {
			return res, data, nil
		}
		retryAfter, hasRetryAfter := parseRetryAfter(res.Header.Get("Retry-After"), time.Now())
		retryable := false
		switch res.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			// Both promise the request was not acted on when they name a Retry-After.
			retryable = idempotent || hasRetryAfter
		case http.StatusBadGateway, http.StatusGatewayTimeout:
			retryable = idempotent
		}
		if !retryable {
			return res, data, nil
		}
		delay := t.backoff(attempt)
		if hasRetryAfter {
			delay = retryAfter
		}
		if delay > maxRetryAfter {
			return res, data, nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Now().Add(delay).After(deadline) {
			return res, data, nil
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, nil, contextError(ctx, op)
		}
	}
}

func (t *transport) attempt(ctx context.Context, op operation, target string, payload []byte, requestID string, cred credential) (*http.Response, []byte, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, op.method, target, body)
	if err != nil {
		return nil, nil, err
	}
	for name, values := range t.headers {
		req.Header[name] = append([]string(nil), values...)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", t.userAgent)
	req.Header.Set("X-Request-ID", requestID)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch cred.kind {
	case credAPIKey:
		req.Header.Set("X-Plystra-API-Key", cred.value)
	case credSession:
		req.Header.Set("Authorization", "Bearer "+cred.value)
	}
	res, err := t.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, nil, err
	}
	return res, data, nil
}

// backoff is exponential with full jitter: uniform in [0, min(max, base·2^attempt)).
func (t *transport) backoff(attempt int) time.Duration {
	if t.backoffBase <= 0 {
		return 0
	}
	ceiling := t.backoffBase << min(attempt, 30)
	if ceiling > t.backoffMax || ceiling <= 0 {
		ceiling = t.backoffMax
	}
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(mrand.Int64N(int64(ceiling)))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// contextError reports a call ended by its context (cancelled, or past its deadline); it wraps
// context.Canceled or context.DeadlineExceeded for errors.Is.
func contextError(ctx context.Context, op operation) error {
	return fmt.Errorf("plystra: %s %s: %w", op.method, op.path, ctx.Err())
}

// parseRetryAfter reads Retry-After as delta-seconds or an HTTP date.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(value); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

func expandPath(template string, values []string) (string, error) {
	var b strings.Builder
	rest := template
	for i := 0; ; i++ {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}') + open
		name := rest[open+1 : end]
		if i >= len(values) || values[i] == "" {
			return "", fmt.Errorf("path parameter %s is empty", name)
		}
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(values[i]))
		rest = rest[end+1:]
	}
	return b.String(), nil
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

// storeTokens replaces the tokens and tells the WithTokenChange callback.
func (t *transport) storeTokens(tokens Tokens) {
	t.mu.Lock()
	t.tokens = tokens
	cb := t.onTokenChange
	t.mu.Unlock()
	if cb != nil {
		cb(tokens)
	}
}

// ErrNoRefreshToken is returned by a refresh when the client holds no refresh token.
var ErrNoRefreshToken = errors.New("plystra: no refresh token: log in first or pass one to Auth.Refresh")

// refresh rotates the session tokens. Callers share one request: the server rotates refresh
// tokens and treats a replayed one as theft, so two parallel refreshes with one token would end
// the session. With rejected set (a transparent refresh after a 401), nothing is sent when the
// tokens already changed since that access token was used.
func (t *transport) refresh(ctx context.Context, explicit, rejected string) (*RefreshResult, error) {
	t.mu.Lock()
	token := t.tokens.RefreshToken
	if explicit != "" && explicit != token {
		t.mu.Unlock()
		return t.performRefresh(ctx, explicit)
	}
	if rejected != "" && t.tokens.AccessToken != "" && t.tokens.AccessToken != rejected {
		t.mu.Unlock()
		return nil, nil
	}
	rc := t.refreshing
	if rc == nil {
		if token == "" {
			t.mu.Unlock()
			return nil, ErrNoRefreshToken
		}
		rc = &refreshCall{done: make(chan struct{})}
		t.refreshing = rc
		// The shared refresh outlives any one caller's cancellation; it has the client's timeout.
		rctx := context.WithoutCancel(ctx)
		go func() {
			cancel := context.CancelFunc(func() {})
			if t.timeout > 0 {
				rctx, cancel = context.WithTimeout(rctx, t.timeout)
			}
			rc.result, rc.err = t.performRefresh(rctx, token)
			cancel()
			t.mu.Lock()
			if t.refreshing == rc {
				t.refreshing = nil
			}
			t.mu.Unlock()
			close(rc.done)
		}()
	}
	t.mu.Unlock()
	select {
	case <-rc.done:
		return rc.result, rc.err
	case <-ctx.Done():
		return nil, fmt.Errorf("plystra: waiting for token refresh: %w", ctx.Err())
	}
}

func (t *transport) performRefresh(ctx context.Context, token string) (*RefreshResult, error) {
	res, err := (&AuthService{t: t}).refresh(ctx, AuthRefreshInput{RefreshToken: token})
	if err != nil {
		// A refused refresh token is final (expired, revoked or replayed): forget the session.
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
			t.mu.Lock()
			same := t.tokens.RefreshToken == token
			t.mu.Unlock()
			if same {
				t.storeTokens(Tokens{})
			}
		}
		return nil, err
	}
	t.storeTokens(Tokens{
		AccessToken:      res.AccessToken,
		RefreshToken:     res.RefreshToken,
		ExpiresAt:        res.ExpiresAt,
		RefreshExpiresAt: res.RefreshExpiresAt,
	})
	return res, nil
}
