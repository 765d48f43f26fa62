package plystra_test

import (
	"errors"
	"slices"
	"testing"

	plystra "github.com/plystra/go-plystra"
)

// Reads the demo seed through every service, so each response type decodes from the real wire.
func TestServicesReadTheDemoSeed(t *testing.T) {
	ctx := testContext(t)
	c := aliceClient(t)

	if h, err := c.System.Health(ctx); err != nil || h.Status != plystra.HealthStatusOk {
		t.Errorf("Health: %+v, %v", h, err)
	}
	if r, err := c.System.Ready(ctx); err != nil || r.Status != plystra.ReadyStatusReady || r.SchemaVersion == "" {
		t.Errorf("Ready: %+v, %v", r, err)
	}
	if o, err := c.System.ConsoleOverview(ctx); err != nil || len(o.Counts) == 0 {
		t.Errorf("ConsoleOverview: %+v, %v", o, err)
	}
	actor, err := c.Actor.Context(ctx)
	if err != nil || actor.Actor.UserMemberID != "um_alice_finance_reviewer" || len(actor.AvailableMembers) == 0 {
		t.Fatalf("Actor.Context: %+v, %v", actor, err)
	}
	switched, err := c.Actor.SwitchMember(ctx, plystra.SwitchMemberInput{UserMemberID: "um_alice_finance_reviewer"})
	if err != nil || switched.Actor.MemberID != "member_finance_reviewer" {
		t.Errorf("Actor.SwitchMember: %+v, %v", switched, err)
	}

	if s, err := c.Spaces.Get(ctx, "space_acme"); err != nil || s.ID != "space_acme" {
		t.Errorf("Spaces.Get: %+v, %v", s, err)
	}
	var paths []string
	for g, err := range c.Groups.All(ctx, "space_acme", nil) {
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, g.Path)
	}
	for _, want := range []string{"finance", "finance.apac", "legal.emea"} {
		if !slices.Contains(paths, want) {
			t.Errorf("Groups.All lacks %s: %v", want, paths)
		}
	}
	if g, err := c.Groups.Get(ctx, "group_finance_apac"); err != nil || g.Path != "finance.apac" {
		t.Errorf("Groups.Get: %+v, %v", g, err)
	}
	if g, err := c.Groups.GetInSpace(ctx, "space_acme", "group_finance"); err != nil || g.Path != "finance" {
		t.Errorf("Groups.GetInSpace: %+v, %v", g, err)
	}
	if tree, err := c.Groups.Tree(ctx, "space_acme", nil); err != nil || len(tree.Data) == 0 {
		t.Errorf("Groups.Tree: %v", err)
	}
	if m, err := c.Members.Get(ctx, "member_finance_reviewer"); err != nil || m.DisplayName != "Finance Reviewer" {
		t.Errorf("Members.Get: %+v, %v", m, err)
	}
	if um, err := c.UserMembers.Get(ctx, "um_bob_finance_reviewer"); err != nil || um.UserID != "user_bob" {
		t.Errorf("UserMembers.Get: %+v, %v", um, err)
	}
	if r, err := c.Roles.Get(ctx, "role_finance_approver"); err != nil || r.Key != "finance_approver" {
		t.Errorf("Roles.Get: %+v, %v", r, err)
	}
	mr, err := c.MemberRoles.List(ctx, "space_acme", &plystra.ListMemberRolesParams{MemberID: "member_finance_reviewer"})
	if err != nil || len(mr.Data) == 0 || mr.Data[0].RoleKey != "finance_approver" {
		t.Errorf("MemberRoles.List: %+v, %v", mr, err)
	}
	perms, err := c.Permissions.List(ctx, &plystra.ListPermissionsParams{Resource: "invoice", Action: "approve"})
	if err != nil || !slices.ContainsFunc(perms.Data, func(p plystra.Permission) bool { return p.ID == "perm_invoice_approve_group_tree" }) {
		t.Errorf("Permissions.List: %+v, %v", perms, err)
	}
	links, err := c.RolePermissions.List(ctx, &plystra.ListRolePermissionsParams{RoleID: "role_finance_approver"})
	if err != nil || len(links.Data) < 2 {
		t.Errorf("RolePermissions.List: %+v, %v", links, err)
	}
	if rt, err := c.ResourceTypes.Get(ctx, "invoice"); err != nil || rt.Key != "invoice" {
		t.Errorf("ResourceTypes.Get: %+v, %v", rt, err)
	}
	var actions []string
	for a, err := range c.ResourceTypes.AllActions(ctx, "invoice", nil) {
		if err != nil {
			t.Fatal(err)
		}
		actions = append(actions, a.Key)
	}
	if !slices.Contains(actions, "approve") {
		t.Errorf("ResourceTypes.AllActions: %v", actions)
	}
	if m, err := c.ResourceTypes.Mapping(ctx, "invoice"); err != nil || m.ResourceType != "invoice" {
		t.Errorf("ResourceTypes.Mapping: %+v, %v", m, err)
	}
	if r, err := c.Resources.Get(ctx, "invoice", "invoice_001"); err != nil || r.GroupID == nil || *r.GroupID != "group_finance_apac" {
		t.Errorf("Resources.Get: %+v, %v", r, err)
	}
	grants, err := c.Admin.ListGrants(ctx, &plystra.ListAdminGrantsParams{UserID: "user_alice"})
	if err != nil || len(grants.Data) == 0 || grants.Data[0].Level != plystra.AdminGrantLevelInstanceSuperAdmin {
		t.Errorf("Admin.ListGrants: %+v, %v", grants, err)
	}
}

// Builds a small model from scratch through the services and checks a decision against it.
func TestServicesBuildAModelThatDecides(t *testing.T) {
	ctx := testContext(t)
	c := aliceClient(t)

	space, err := c.Spaces.Create(ctx, plystra.SpaceCreateInput{Name: unique("Contoso")})
	if err != nil {
		t.Fatal(err)
	}
	ops, err := c.Groups.Create(ctx, space.ID, plystra.GroupCreateInput{Name: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	emea, err := c.Groups.Create(ctx, space.ID, plystra.GroupCreateInput{Name: "emea", ParentID: ops.ID})
	if err != nil {
		t.Fatal(err)
	}
	if emea.Path != "ops.emea" {
		t.Errorf("child group path = %q, want ops.emea", emea.Path)
	}
	user, err := c.Users.Create(ctx, plystra.UserCreateInput{Email: unique("carol") + "@example.com", Password: "a long enough passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := c.Users.Update(ctx, user.ID, plystra.UserMutationInput{Username: "carol"}); err != nil || u.Username == nil || *u.Username != "carol" {
		t.Errorf("Users.Update: %+v, %v", u, err)
	}
	member, err := c.Members.Create(ctx, space.ID, plystra.MemberCreateInput{DisplayName: "Carol"})
	if err != nil {
		t.Fatal(err)
	}
	binding, err := c.UserMembers.Create(ctx, space.ID, plystra.UserMemberCreateInput{UserID: user.ID, MemberID: member.ID, IsPrimary: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResourceTypes.Upsert(ctx, plystra.ResourceTypeMutationInput{Key: "ticket", DisplayName: "Ticket"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResourceTypes.UpsertAction(ctx, "ticket", plystra.ResourceActionMutationInput{Key: "close", RiskLevel: plystra.RiskLevelLow}); err != nil {
		t.Fatal(err)
	}
	// Stored resources of a type resolve through its mapping (defaults: the built-in table).
	if m, err := c.ResourceTypes.UpsertMapping(ctx, "ticket", &plystra.ResourceMappingMutationInput{}); err != nil || m.StorageKind != plystra.StorageKindInternalTable {
		t.Fatalf("UpsertMapping: %+v, %v", m, err)
	}
	role, err := c.Roles.Create(ctx, space.ID, plystra.RoleCreateInput{Key: "closer", Name: "Closer"})
	if err != nil {
		t.Fatal(err)
	}
	perm, err := c.Permissions.Create(ctx, plystra.PermissionCreateInput{Resource: "ticket", Action: "close", Scope: plystra.ScopeGroupTree})
	if err != nil && !plystra.IsConflict(err) {
		t.Fatal(err)
	}
	if perm == nil { // created by an earlier run against the same Core
		list, err := c.Permissions.List(ctx, &plystra.ListPermissionsParams{Resource: "ticket", Action: "close", Scope: plystra.ScopeGroupTree})
		if err != nil || len(list.Data) == 0 {
			t.Fatalf("find permission: %v", err)
		}
		perm = &list.Data[0]
	}
	if _, err := c.RolePermissions.Create(ctx, plystra.RolePermissionMutationInput{RoleID: role.ID, PermissionID: perm.ID}); err != nil {
		t.Fatal(err)
	}
	grant, err := c.MemberRoles.Create(ctx, space.ID, plystra.MemberRoleCreateInput{MemberID: member.ID, RoleID: role.ID, ScopeAnchorGroupID: ops.ID})
	if err != nil {
		t.Fatal(err)
	}
	inside, err := c.Resources.Create(ctx, plystra.ResourceCreateInput{ResourceType: "ticket", SpaceID: space.ID, ID: unique("ticket"), GroupID: emea.ID})
	if err != nil {
		t.Fatal(err)
	}

	key := serviceKey(t, c, "authz:check")
	service := newClient(plystra.WithAPIKey(key.APIKey))
	check := plystra.AuthzCheckInput{
		Actor:        &plystra.ActorContext{UserID: user.ID, MemberID: member.ID, UserMemberID: binding.ID, SpaceID: space.ID},
		ResourceType: "ticket", ResourceID: inside.ID, Action: "close",
	}
	d, err := service.Authz.Check(ctx, check)
	if err != nil || !d.Allow {
		t.Fatalf("carol closing a ticket under ops: %+v, %v; want allow", d, err)
	}
	if d.Explanation.Candidate == nil || d.Explanation.Candidate.RoleKey != "closer" {
		t.Errorf("explanation candidate: %+v", d.Explanation.Candidate)
	}

	// Revoking the role grant turns the same question into a deny.
	if g, err := c.MemberRoles.Revoke(ctx, space.ID, grant.ID, nil); err != nil || g.Status != plystra.GrantStatusRevoked {
		t.Fatalf("MemberRoles.Revoke: %+v, %v", g, err)
	}
	d, err = service.Authz.Check(ctx, check)
	if err != nil || d.Allow || d.DenyCode == nil || *d.DenyCode != plystra.DenyCodeNoMatchingPermission {
		t.Fatalf("after revoke: %+v, %v; want deny NO_MATCHING_PERMISSION", d, err)
	}

	// Management mutations are audited with a mutation trace.
	rows, err := c.Audit.ListInSpace(ctx, space.ID, &plystra.ListSpaceAuditLogsParams{Limit: 50})
	if err != nil || len(rows.Data) == 0 {
		t.Fatalf("Audit.ListInSpace: %v", err)
	}
	var mutation *plystra.AuditLogDetail
	for _, r := range rows.Data {
		detail, err := c.Audit.GetInSpace(ctx, space.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if detail.IsMutation() {
			mutation = detail
			break
		}
	}
	if mutation == nil {
		t.Fatal("no management-mutation row in the space's audit log")
	}
	if tr, err := mutation.MutationTrace(); err != nil || tr.Kind != plystra.MutationTraceKindManagementMutation {
		t.Errorf("MutationTrace: %+v, %v", tr, err)
	}

	// An admin grant for Carol in her space: created, read back, revoked.
	ag, err := c.Admin.CreateGrant(ctx, plystra.AdminGrantCreateInput{
		UserID: user.ID, Level: plystra.AdminGrantLevelSpaceAdmin, SpaceID: space.ID, PermissionKey: "members:read",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Admin.GetGrant(ctx, ag.ID); err != nil || got.PermissionKey != "members:read" {
		t.Errorf("Admin.GetGrant: %+v, %v", got, err)
	}
	if got, err := c.Admin.RevokeGrant(ctx, ag.ID, &plystra.AdminGrantMutationInput{RevokedReason: "test done"}); err != nil || got.Status != plystra.GrantStatusRevoked {
		t.Errorf("Admin.RevokeGrant: %+v, %v", got, err)
	}

	if u, err := c.Users.Disable(ctx, user.ID, nil); err != nil || u.Status != plystra.EntityStatusDisabled {
		t.Errorf("Users.Disable: %+v, %v", u, err)
	}
	if u, err := c.Users.Restore(ctx, user.ID, nil); err != nil || u.Status != plystra.EntityStatusActive {
		t.Errorf("Users.Restore: %+v, %v", u, err)
	}
}

// Routes that are off by default answer with their documented refusals, as typed errors.
func TestDisabledFeaturesAreTypedRefusals(t *testing.T) {
	ctx := testContext(t)
	c := aliceClient(t)
	var apiErr *plystra.APIError
	_, err := c.Auth.Register(ctx, plystra.AuthRegisterInput{Email: unique("reg") + "@example.com", Password: "a long enough passphrase"})
	if !errors.As(err, &apiErr) || apiErr.Code != plystra.ErrorCodeRegistrationDisabled || !plystra.IsForbidden(err) {
		t.Errorf("Register: got %v, want 403 REGISTRATION_DISABLED", err)
	}
	_, err = c.Data.Tables(ctx, nil)
	if !errors.As(err, &apiErr) || apiErr.Code != plystra.ErrorCodeFeatureDisabled || !plystra.IsNotFound(err) {
		t.Errorf("Data.Tables: got %v, want 404 FEATURE_DISABLED", err)
	}
}
