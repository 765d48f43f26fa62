package plystra

import "context"

// Login starts a password session and stores its tokens on the client (token mode); the
// WithTokenChange callback sees them.
//
//	client := plystra.NewClient(baseURL)
//	session, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo")
func (s *AuthService) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	res, err := s.login(ctx, AuthLoginInput{Email: email, Password: password})
	if err != nil {
		return nil, err
	}
	s.t.storeTokens(Tokens{
		AccessToken:      res.AccessToken,
		RefreshToken:     res.RefreshToken,
		ExpiresAt:        res.ExpiresAt,
		RefreshExpiresAt: res.RefreshExpiresAt,
	})
	return res, nil
}

// Refresh rotates both session tokens (the old refresh token stops working; replaying it ends the
// session with 401 SESSION_EXPIRED) and stores the new pair. An empty refreshToken means the
// stored one; concurrent refreshes of the stored token share one request.
func (s *AuthService) Refresh(ctx context.Context, refreshToken string) (*RefreshResult, error) {
	return s.t.refresh(ctx, refreshToken, "")
}

// Logout ends the session (by the stored refresh token, else by the access token) and clears the
// stored tokens. Core answers logged_out true even for an unknown session.
func (s *AuthService) Logout(ctx context.Context) (*LogoutResult, error) {
	stored := s.t.snapshotTokens()
	var (
		res *LogoutResult
		err error
	)
	if stored.RefreshToken != "" {
		// By refresh token and without the bearer, so an expired access token cannot get in the way.
		op := opLogout
		op.noAuth = true
		res, err = call[LogoutResult](ctx, s.t, op, nil, nil, AuthLogoutInput{RefreshToken: stored.RefreshToken})
	} else {
		res, err = s.logout(ctx, nil)
	}
	if err != nil {
		return nil, err
	}
	s.t.storeTokens(Tokens{})
	return res, nil
}

func (t *transport) snapshotTokens() Tokens {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tokens
}
