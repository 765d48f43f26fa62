package plystra_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	plystra "github.com/plystra/go-plystra"
)

// baseURLFromEnv is how the examples find Core: PLYSTRA_BASE_URL, else a local default.
func baseURLFromEnv() string {
	if u := os.Getenv("PLYSTRA_BASE_URL"); u != "" {
		return u
	}
	return plystra.DefaultBaseURL
}

// Token mode: log in as a person and ask a managed-mode question. The session's active Member
// is the actor.
func Example() {
	ctx := context.Background()
	client := plystra.NewClient(baseURLFromEnv())
	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	decision, err := client.Authz.Check(ctx, plystra.AuthzCheckInput{
		ResourceType: "invoice",
		ResourceID:   "invoice_001",
		Action:       "approve",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(decision.Decision)
	// Output: allow
}

// A deny is a value with its code, reason and audit row, never an error.
func ExampleAuthzService_Check_deny() {
	ctx := context.Background()
	client := plystra.NewClient(baseURLFromEnv())
	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	decision, err := client.Authz.Check(ctx, plystra.AuthzCheckInput{
		ResourceType: "invoice", ResourceID: "invoice_002", Action: "approve",
	})
	if err != nil {
		log.Fatal(err)
	}
	if !decision.Allow {
		fmt.Println(decision.Decision, *decision.DenyCode)
	}
	// Output: deny SCOPE_OUT_OF_BOUNDS
}

// API-key mode: a backend service names the actor of each check. Here an admin session creates
// the key first; in production the key comes from your secret store.
func ExampleWithAPIKey() {
	ctx := context.Background()
	admin := plystra.NewClient(baseURLFromEnv())
	if _, err := admin.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	key, err := admin.APIKeys.Create(ctx, plystra.APIKeyCreateInput{
		Name:           "billing-service-example",
		Level:          plystra.APIKeyLevelSpace,
		SpaceID:        "space_acme",
		PermissionKeys: []string{"authz:check"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer admin.APIKeys.Revoke(ctx, key.ID, nil)

	service := plystra.NewClient(baseURLFromEnv(), plystra.WithAPIKey(key.APIKey))
	allowed, err := service.Authz.IsAllowed(ctx, plystra.AuthzCheckInput{
		Actor: &plystra.ActorContext{
			UserID:       "user_alice",
			MemberID:     "member_finance_reviewer",
			UserMemberID: "um_alice_finance_reviewer",
			SpaceID:      "space_acme",
		},
		ResourceType: "invoice",
		ResourceID:   "invoice_001",
		Action:       "approve",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("allowed:", allowed)
	// Output: allowed: true
}

// Context Mode (API keys only): the actor, the resource and the grants travel inline, so Core
// decides without stored identities; the decision is still audited.
func ExampleAuthzService_Check_contextMode() {
	ctx := context.Background()
	admin := plystra.NewClient(baseURLFromEnv())
	if _, err := admin.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	key, err := admin.APIKeys.Create(ctx, plystra.APIKeyCreateInput{
		Name: "context-mode-example", Level: plystra.APIKeyLevelInstance, PermissionKeys: []string{"authz:check"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer admin.APIKeys.Revoke(ctx, key.ID, nil)

	service := plystra.NewClient(baseURLFromEnv(), plystra.WithAPIKey(key.APIKey))
	for _, path := range []string{"finance.apac", "legal.emea"} {
		d, err := service.Authz.Check(ctx, plystra.AuthzCheckInput{
			Action: "approve",
			Actor: &plystra.ActorContext{
				UserID: "ext_user_7", MemberID: "ext_reviewer_7", BindingID: "ext_binding_7", SpaceID: "space_acme",
			},
			Resource: &plystra.AuthzResourceContext{
				Type: "invoice", ExternalID: "inv_ext_" + path, SpaceID: "space_acme", GroupPath: path,
			},
			Grants: []plystra.AuthzGrantContext{{
				RoleKey: "finance_approver", Resource: "invoice", Action: "approve",
				Scope: plystra.ScopeGroupTree, ScopeAnchorGroupPath: "finance",
			}},
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(path, d.Decision)
	}
	// Output:
	// finance.apac allow
	// legal.emea deny
}

// Error answers are *APIError; the Is… helpers cover the common status families.
func ExampleAPIError() {
	ctx := context.Background()
	client := plystra.NewClient(baseURLFromEnv())
	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	_, err := client.Users.Get(ctx, "user_nobody")
	var apiErr *plystra.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, plystra.IsNotFound(err))
	}

	_, err = client.Users.Create(ctx, plystra.UserCreateInput{Email: "not-an-email"})
	if errors.As(err, &apiErr) && plystra.IsValidation(err) {
		fmt.Println(apiErr.Code, "field:", apiErr.Field())
	}
	// Output:
	// 404 USER_NOT_FOUND true
	// VALIDATION_FAILED field: email
}

// WithRequestID ties a call to your own request: Core adopts the id and writes it to the audit row.
func ExampleWithRequestID() {
	ctx := context.Background()
	client := plystra.NewClient(baseURLFromEnv())
	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	decision, err := client.Authz.Check(plystra.WithRequestID(ctx, "req_checkout_42"), plystra.AuthzCheckInput{
		ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve",
	})
	if err != nil {
		log.Fatal(err)
	}
	row, err := client.Audit.Get(ctx, decision.AuditLogID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*row.RequestID)
	// Output: req_checkout_42
}

// All follows cursors for you; break out of the loop whenever you like.
func ExampleUsersService_All() {
	ctx := context.Background()
	client := plystra.NewClient(baseURLFromEnv())
	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	for user, err := range client.Users.All(ctx, &plystra.ListUsersParams{Limit: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		if user.Email == "bob@example.com" {
			fmt.Println("found", user.ID)
			break
		}
	}
	// Output: found user_bob
}

// WithTokenChange lets you persist the rotating session tokens; restore them with
// WithAccessToken and WithRefreshToken (or SetTokens).
func ExampleWithTokenChange() {
	ctx := context.Background()
	var saved plystra.Tokens
	client := plystra.NewClient(baseURLFromEnv(), plystra.WithTokenChange(func(t plystra.Tokens) {
		saved = t // e.g. write to your session store
	}))
	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
		log.Fatal(err)
	}
	if _, err := client.Auth.Refresh(ctx, ""); err != nil {
		log.Fatal(err)
	}
	restored := plystra.NewClient(baseURLFromEnv(),
		plystra.WithAccessToken(saved.AccessToken), plystra.WithRefreshToken(saved.RefreshToken))
	me, err := restored.Admin.Me(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*me.UserID, me.CredentialType)
	// Output: user_alice session
}
