package plystra_test

import (
	"errors"
	"strings"
	"testing"

	plystra "github.com/plystra/go-plystra"
)

func TestValidationErrorNamesTheField(t *testing.T) {
	ctx := testContext(t)
	admin := aliceClient(t)
	_, err := admin.Users.Create(ctx, plystra.UserCreateInput{Email: "not-an-email", Password: "a long enough passphrase"})
	var apiErr *plystra.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %v, want *APIError", err)
	}
	if !plystra.IsValidation(err) || apiErr.Code != plystra.ErrorCodeValidationFailed {
		t.Fatalf("got %d %s, want 400 VALIDATION_FAILED", apiErr.StatusCode, apiErr.Code)
	}
	if apiErr.Field() != "email" {
		t.Errorf("Field() = %q (details %v), want email", apiErr.Field(), apiErr.Details)
	}
	if !strings.HasPrefix(apiErr.RequestID, "req_") || !strings.Contains(apiErr.Error(), apiErr.RequestID) {
		t.Errorf("error lacks its request id: %v", apiErr)
	}
}

func TestErrorHelpersMatchStatusFamilies(t *testing.T) {
	ctx := testContext(t)
	admin := aliceClient(t)

	_, err := admin.Users.Get(ctx, "user_does_not_exist")
	if !plystra.IsNotFound(err) || plystra.IsConflict(err) {
		t.Errorf("missing user: got %v, want only IsNotFound", err)
	}

	_, err = newClient().Admin.Me(ctx)
	var apiErr *plystra.APIError
	if !plystra.IsUnauthorized(err) || !errors.As(err, &apiErr) || apiErr.Code != plystra.ErrorCodeAuthenticationRequired {
		t.Errorf("no credential: got %v, want 401 AUTHENTICATION_REQUIRED", err)
	}

	email := unique("dup") + "@example.com"
	if _, err := admin.Users.Create(ctx, plystra.UserCreateInput{Email: email, Password: "a long enough passphrase"}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.Users.Create(ctx, plystra.UserCreateInput{Email: email, Password: "a long enough passphrase"})
	if !plystra.IsConflict(err) {
		t.Errorf("duplicate email: got %v, want 409", err)
	}

	// A key allowed to check but not to manage users is refused with the permission it lacks.
	key := serviceKey(t, admin, "authz:check")
	_, err = newClient(plystra.WithAPIKey(key.APIKey)).Users.List(ctx, nil)
	if !plystra.IsForbidden(err) || !errors.As(err, &apiErr) || apiErr.Code != plystra.ErrorCodeAdminPermissionRequired {
		t.Fatalf("key without users:read: got %v, want 403 ADMIN_PERMISSION_REQUIRED", err)
	}
	if d, _ := apiErr.Details.(map[string]any); d == nil || !strings.HasPrefix(d["permission"].(string), "users:") {
		t.Errorf("details = %v, want the missing users:* permission", apiErr.Details)
	}

	_, err = newClient().Auth.Login(ctx, alice.email, "wrong password")
	if !plystra.IsUnauthorized(err) {
		t.Errorf("wrong password: got %v, want 401", err)
	}
}

func TestRevokedKeyIsUnauthorized(t *testing.T) {
	ctx := testContext(t)
	admin := aliceClient(t)
	key := serviceKey(t, admin, "authz:check")
	service := newClient(plystra.WithAPIKey(key.APIKey))
	input := plystra.AuthzCheckInput{Actor: &aliceActor, ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve"}
	if ok, err := service.Authz.IsAllowed(ctx, input); err != nil || !ok {
		t.Fatalf("live key: IsAllowed = %v, %v; want true", ok, err)
	}
	revoked, err := admin.APIKeys.Revoke(ctx, key.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if revoked.Status != plystra.APIKeyStatusRevoked {
		t.Errorf("status after revoke = %q", revoked.Status)
	}
	ok, err := service.Authz.IsAllowed(ctx, input)
	if ok || !plystra.IsUnauthorized(err) {
		t.Fatalf("revoked key: IsAllowed = %v, %v; want false with 401", ok, err)
	}
}

func TestDenyIsAValueWithItsAuditRow(t *testing.T) {
	ctx := testContext(t)
	admin := aliceClient(t)
	key := serviceKey(t, admin, "authz:check")
	service := newClient(plystra.WithAPIKey(key.APIKey))
	actor := aliceActor
	actor.UserMemberID = "um_alice_finance_reviewer_revoked"
	reqID := unique("req_go_deny")
	d, err := service.Authz.Check(plystra.WithRequestID(ctx, reqID), plystra.AuthzCheckInput{
		Actor: &actor, ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve",
	})
	if err != nil {
		t.Fatalf("a deny must not be an error: %v", err)
	}
	if d.Allow || d.DenyCode == nil || *d.DenyCode != plystra.DenyCodeUserMemberRevoked {
		t.Fatalf("got %+v, want deny USER_MEMBER_REVOKED", d)
	}
	row, err := admin.Audit.Get(ctx, d.AuditLogID)
	if err != nil {
		t.Fatal(err)
	}
	if row.RequestID == nil || *row.RequestID != reqID {
		t.Errorf("audit row request_id = %v, want %s (from WithRequestID)", row.RequestID, reqID)
	}
	trace, err := row.DecisionTrace()
	if err != nil {
		t.Fatal(err)
	}
	if trace.TraceID != d.TraceID || trace.DenyCode == nil || *trace.DenyCode != plystra.DenyCodeUserMemberRevoked {
		t.Errorf("stored trace does not match the decision: %+v", trace)
	}
	if _, err := row.MutationTrace(); !errors.Is(err, plystra.ErrNotMutationTrace) {
		t.Errorf("MutationTrace on a decision row: %v", err)
	}
}

func TestContextModeDecidesInline(t *testing.T) {
	ctx := testContext(t)
	admin := aliceClient(t)
	key := serviceKey(t, admin, "authz:check")
	service := newClient(plystra.WithAPIKey(key.APIKey))
	input := func(groupPath string) plystra.AuthzCheckInput {
		return plystra.AuthzCheckInput{
			Action: "approve",
			Actor: &plystra.ActorContext{
				UserID: "user_external_alice", MemberID: "member_external_reviewer",
				BindingID: "binding_external_alice", SpaceID: "space_acme",
			},
			Resource: &plystra.AuthzResourceContext{
				Type: "invoice", ExternalID: unique("inv_ext"), SpaceID: "space_acme", GroupPath: groupPath,
			},
			Grants: []plystra.AuthzGrantContext{{
				RoleKey: "finance_approver", Resource: "invoice", Action: "approve",
				Scope: plystra.ScopeGroupTree, ScopeAnchorGroupPath: "finance",
			}},
		}
	}
	allow, err := service.Authz.Check(ctx, input("finance.apac"))
	if err != nil || !allow.Allow {
		t.Fatalf("inline finance.apac: %+v, %v; want allow", allow, err)
	}
	deny, err := service.Authz.Check(ctx, input("legal.emea"))
	if err != nil || deny.Allow || deny.DenyCode == nil || *deny.DenyCode != plystra.DenyCodeScopeOutOfBounds {
		t.Fatalf("inline legal.emea: %+v, %v; want deny SCOPE_OUT_OF_BOUNDS", deny, err)
	}
	// Context Mode is for API keys: a session sending inline context is refused.
	_, err = admin.Authz.Check(ctx, input("finance.apac"))
	var apiErr *plystra.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != plystra.ErrorCodeInlineContextRequiresAPIKey {
		t.Errorf("session with inline context: got %v, want INLINE_CONTEXT_REQUIRES_API_KEY", err)
	}
}

func TestExplainReturnsTheFullDecision(t *testing.T) {
	ctx := testContext(t)
	admin := aliceClient(t)
	trace, err := admin.Authz.Explain(ctx, plystra.AuthzCheckInput{ResourceType: "invoice", ResourceID: "invoice_002", Action: "approve"})
	if err != nil {
		t.Fatal(err)
	}
	if trace.Decision != plystra.DecisionDeny || len(trace.MatchedCandidates) == 0 || trace.Target.Resource == nil {
		t.Errorf("explain: %+v", trace)
	}
}
