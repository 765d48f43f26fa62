package plystra_test

import (
	"errors"
	"strings"
	"testing"

	plystra "github.com/plystra/go-plystra"
)

// The v1.0 SDK release smoke list: system.version, auth.login/refresh, admin.me,
// api_keys.create/revoke, authz.check allow, authz.check deny, audit.list.
func TestReleaseSmokeList(t *testing.T) {
	ctx := testContext(t)
	client := newClient()

	version, err := client.System.Version(ctx)
	if err != nil {
		t.Fatalf("System.Version: %v", err)
	}
	if !strings.HasPrefix(version.Version, "1.0.0") {
		t.Errorf("version = %q, want 1.0.0…", version.Version)
	}

	login, err := client.Auth.Login(ctx, alice.email, alice.password)
	if err != nil {
		t.Fatalf("Auth.Login: %v", err)
	}
	if !strings.HasPrefix(login.AccessToken, "ply_at_") || !strings.HasPrefix(login.RefreshToken, "ply_rt_") {
		t.Fatalf("login tokens have unexpected shape: %q %q", login.AccessToken, login.RefreshToken)
	}
	if got := client.Tokens(); got.AccessToken != login.AccessToken || got.RefreshToken != login.RefreshToken {
		t.Fatalf("client did not store the login tokens")
	}

	session, err := client.Auth.Me(ctx)
	if err != nil {
		t.Fatalf("Auth.Me: %v", err)
	}
	if session.User.ID != "user_alice" || session.Actor == nil || session.Actor.MemberID != "member_finance_reviewer" {
		t.Fatalf("Auth.Me = %+v, want alice acting as member_finance_reviewer", session)
	}

	refreshed, err := client.Auth.Refresh(ctx, "")
	if err != nil {
		t.Fatalf("Auth.Refresh: %v", err)
	}
	if refreshed.RefreshToken == login.RefreshToken || refreshed.AccessToken == login.AccessToken {
		t.Fatal("refresh did not rotate both tokens")
	}

	me, err := client.Admin.Me(ctx)
	if err != nil {
		t.Fatalf("Admin.Me: %v", err)
	}
	if me.UserID == nil || *me.UserID != "user_alice" {
		t.Errorf("Admin.Me user_id = %v, want user_alice", me.UserID)
	}

	key, err := client.APIKeys.Create(ctx, plystra.APIKeyCreateInput{
		Name:           unique("sdk_go_smoke"),
		Level:          plystra.APIKeyLevelInstance,
		PermissionKeys: []string{"authz:check"},
	})
	if err != nil {
		t.Fatalf("APIKeys.Create: %v", err)
	}
	if !strings.HasPrefix(key.APIKey, "ply_ak_") || key.Key != key.APIKey {
		t.Fatalf("created key plaintext has unexpected shape: %q / %q", key.APIKey, key.Key)
	}
	service := newClient(plystra.WithAPIKey(key.APIKey))

	allow, err := service.Authz.Check(ctx, plystra.AuthzCheckInput{
		Actor: &aliceActor, ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve",
	})
	if err != nil {
		t.Fatalf("Authz.Check allow: %v", err)
	}
	if !allow.Allow || allow.Decision != plystra.DecisionAllow || allow.DenyCode != nil {
		t.Fatalf("invoice_001: got %+v, want allow", allow)
	}
	if !strings.HasPrefix(allow.AuditLogID, "audit_") || !strings.HasPrefix(allow.TraceID, "trace_") {
		t.Errorf("allow lacks audit/trace ids: %q %q", allow.AuditLogID, allow.TraceID)
	}
	if allow.Explanation.Candidate == nil {
		t.Errorf("allow explanation names no deciding candidate")
	}

	deny, err := service.Authz.Check(ctx, plystra.AuthzCheckInput{
		Actor: &aliceActor, ResourceType: "invoice", ResourceID: "invoice_002", Action: "approve", Explain: true,
	})
	if err != nil {
		t.Fatalf("Authz.Check deny returned an error; a deny is a value: %v", err)
	}
	if deny.Allow || deny.Decision != plystra.DecisionDeny || deny.DenyCode == nil || *deny.DenyCode != plystra.DenyCodeScopeOutOfBounds {
		t.Fatalf("invoice_002: got %+v, want deny SCOPE_OUT_OF_BOUNDS", deny)
	}
	if deny.Trace == nil || deny.Trace.TraceID != deny.TraceID {
		t.Errorf("Explain: true returned no matching trace")
	}

	if _, err := client.APIKeys.Revoke(ctx, key.ID, &plystra.APIKeyMutationInput{RevokedReason: "smoke test done"}); err != nil {
		t.Fatalf("APIKeys.Revoke: %v", err)
	}
	_, err = service.Authz.Check(ctx, plystra.AuthzCheckInput{Actor: &aliceActor, ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve"})
	var apiErr *plystra.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != plystra.ErrorCodeAuthenticationRequired {
		t.Fatalf("check with a revoked key: got %v, want 401 AUTHENTICATION_REQUIRED", err)
	}

	audit, err := client.Audit.List(ctx, &plystra.ListAuditLogsParams{ResourceID: "invoice_002", Decision: plystra.DecisionDeny, Limit: 5})
	if err != nil {
		t.Fatalf("Audit.List: %v", err)
	}
	found := false
	for _, row := range audit.Data {
		if row.ID == deny.AuditLogID {
			found = true
		}
	}
	if !found {
		t.Errorf("Audit.List does not show the deny's row %s", deny.AuditLogID)
	}
}
