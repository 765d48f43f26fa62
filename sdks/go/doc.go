// Package plystra is the Go client of Plystra Core, a self-hosted authorization service: ask
// "may this actor do this action on this resource?" before a business mutation, and get back
// allow or deny, a structured explanation and an append-only audit record.
//
// Create one Client per Core and share it between goroutines:
//
//	client := plystra.NewClient("http://localhost:8080")
//	if _, err := client.Auth.Login(ctx, "alice@example.com", "plystra-demo"); err != nil {
//		return err
//	}
//	decision, err := client.Authz.Check(ctx, plystra.AuthzCheckInput{
//		ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve",
//	})
//	if err != nil {
//		return err // no decision: bad input, credentials or network
//	}
//	fmt.Println(decision.Decision, decision.DenyCode) // a deny is a value, not an error
//
// Two credential modes: token mode (Auth.Login, or WithAccessToken and WithRefreshToken; an
// expired access token is refreshed once, shared by all goroutines, and the call retried) and
// API-key mode (WithAPIKey; the caller names the actor of a check, and may send the actor,
// resource and grants inline: Context Mode).
//
// Every method takes a context.Context first and returns (value, error). Error answers are
// *APIError (see IsNotFound, IsValidation, …); WithRequestID sets the X-Request-ID of the calls
// made with a context. Lists return a Page; each list has an All… method returning an
// iter.Seq2 that follows cursors.
//
// The request and response types and the services are generated from the OpenAPI contract
// (types.gen.go by oapi-codegen, services.gen.go by scripts/gen.mjs); the package uses the
// standard library only.
package plystra
