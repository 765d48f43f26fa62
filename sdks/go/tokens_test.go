package plystra_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	plystra "github.com/plystra/go-plystra"
)

const bogusAccessToken = "ply_at_0000000000000000000000000000000000000000000000000000000000000000"

func TestRefreshRotatesAndReuseEndsTheSession(t *testing.T) {
	ctx := testContext(t)
	var mu sync.Mutex
	var events []plystra.Tokens
	client := newClient(plystra.WithTokenChange(func(tk plystra.Tokens) {
		mu.Lock()
		events = append(events, tk)
		mu.Unlock()
	}))
	login, err := client.Auth.Login(ctx, alice.email, alice.password)
	if err != nil {
		t.Fatal(err)
	}
	refreshed, err := client.Auth.Refresh(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.RefreshToken == login.RefreshToken {
		t.Fatal("refresh token was not rotated")
	}
	mu.Lock()
	if len(events) != 2 || events[0].AccessToken != login.AccessToken || events[1].RefreshToken != refreshed.RefreshToken {
		t.Fatalf("WithTokenChange saw %d events, want login then refresh", len(events))
	}
	if events[1].ExpiresAt.IsZero() || !events[1].ExpiresAt.Equal(refreshed.ExpiresAt) {
		t.Errorf("token event lacks the expiry")
	}
	mu.Unlock()

	// Replaying the rotated-out refresh token (from anywhere) is refused and ends the session.
	_, err = newClient().Auth.Refresh(ctx, login.RefreshToken)
	var apiErr *plystra.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != plystra.ErrorCodeSessionExpired {
		t.Fatalf("replayed refresh token: got %v, want 401 SESSION_EXPIRED", err)
	}
	if !plystra.IsUnauthorized(err) {
		t.Error("IsUnauthorized(SESSION_EXPIRED) = false")
	}

	// The current pair died with the session: the call fails and the client forgets its tokens.
	_, err = client.Admin.Me(ctx)
	if !plystra.IsUnauthorized(err) {
		t.Fatalf("after reuse detection: got %v, want 401", err)
	}
	if got := client.Tokens(); got.AccessToken != "" || got.RefreshToken != "" {
		t.Errorf("client kept tokens of a revoked session: %+v", got)
	}
	mu.Lock()
	last := events[len(events)-1]
	mu.Unlock()
	if last.AccessToken != "" || last.RefreshToken != "" {
		t.Errorf("last token event = %+v, want cleared tokens", last)
	}
}

func TestTransparentRefreshRetriesTheCallOnce(t *testing.T) {
	ctx := testContext(t)
	rec := &recorder{}
	client := newClient(plystra.WithHTTPClient(rec.client()))
	login, err := client.Auth.Login(ctx, alice.email, alice.password)
	if err != nil {
		t.Fatal(err)
	}
	client.SetTokens(plystra.Tokens{AccessToken: bogusAccessToken, RefreshToken: login.RefreshToken})

	me, err := client.Admin.Me(ctx)
	if err != nil {
		t.Fatalf("Admin.Me with an expired access token: %v", err)
	}
	if me.UserID == nil || *me.UserID != "user_alice" {
		t.Errorf("me = %v", me.UserID)
	}
	if n := rec.count("/api/v1/auth/refresh"); n != 1 {
		t.Errorf("refresh requests = %d, want 1", n)
	}
	calls := rec.byPath("/api/v1/admin/me")
	if len(calls) != 2 || calls[0].status != 401 || calls[1].status != 200 {
		t.Fatalf("admin/me attempts = %+v, want 401 then 200", calls)
	}
	now := client.Tokens()
	if calls[1].authorization != "Bearer "+now.AccessToken || now.RefreshToken == login.RefreshToken {
		t.Errorf("retry did not use the rotated tokens")
	}
}

// Many goroutines hit an expired access token at once: exactly one refresh, every call succeeds.
func TestConcurrentCallsShareOneRefresh(t *testing.T) {
	ctx := testContext(t)
	rec := &recorder{}
	client := newClient(plystra.WithHTTPClient(rec.client()))
	login, err := client.Auth.Login(ctx, alice.email, alice.password)
	if err != nil {
		t.Fatal(err)
	}
	client.SetTokens(plystra.Tokens{AccessToken: bogusAccessToken, RefreshToken: login.RefreshToken})

	const workers = 40
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 4 {
			case 0:
				_, err = client.Admin.Me(ctx)
			case 1:
				var d *plystra.AuthzCheckResult
				d, err = client.Authz.Check(ctx, plystra.AuthzCheckInput{ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve"})
				if err == nil && !d.Allow {
					err = errors.New("alice's session check of invoice_001 did not allow")
				}
			case 2:
				_, err = client.Actor.Context(ctx)
			case 3:
				_, err = client.Audit.List(ctx, &plystra.ListAuditLogsParams{Limit: 1})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := rec.count("/api/v1/auth/refresh"); n != 1 {
		t.Errorf("refresh requests = %d, want exactly 1 shared by %d goroutines", n, workers)
	}
	if tk := client.Tokens(); tk.RefreshToken == login.RefreshToken || !strings.HasPrefix(tk.AccessToken, "ply_at_") {
		t.Errorf("tokens not rotated: %+v", tk)
	}
}

func TestLogoutRevokesTheSessionAndClearsTokens(t *testing.T) {
	ctx := testContext(t)
	client := aliceClient(t)
	tokens := client.Tokens()
	res, err := client.Auth.Logout(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.LoggedOut {
		t.Error("logged_out = false")
	}
	if got := client.Tokens(); got.AccessToken != "" || got.RefreshToken != "" {
		t.Errorf("tokens kept after logout: %+v", got)
	}
	_, err = newClient(plystra.WithAccessToken(tokens.AccessToken)).Admin.Me(ctx)
	if !plystra.IsUnauthorized(err) {
		t.Errorf("access token still works after logout: %v", err)
	}
}

func TestRefreshWithoutTokenFails(t *testing.T) {
	_, err := newClient().Auth.Refresh(testContext(t), "")
	if !errors.Is(err, plystra.ErrNoRefreshToken) {
		t.Fatalf("got %v, want ErrNoRefreshToken", err)
	}
}
