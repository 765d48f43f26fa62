package plystra

import "context"

type requestIDKey struct{}

// WithRequestID returns a context whose calls send id as X-Request-ID. Core adopts it, echoes it
// and writes it to the audit rows of the call, so one incoming request can be tied to its checks.
// Without one, the client generates an id per call (shared by that call's retries).
//
//	ctx = plystra.WithRequestID(ctx, "req_checkout_42")
//	decision, err := client.Authz.Check(ctx, input) // audit row carries request_id req_checkout_42
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFromContext returns the id set by WithRequestID, or "".
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Ptr returns a pointer to v: for the input fields that are pointers (timestamps, and numbers or
// booleans whose default is not their zero value).
//
//	client.UserMembers.Update(ctx, spaceID, bindingID, plystra.UserMemberMutationInput{ExpiresAt: plystra.Ptr(time.Now().Add(24 * time.Hour))})
func Ptr[T any](v T) *T { return &v }
