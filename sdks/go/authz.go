package plystra

import (
	"context"
	"encoding/json"
	"errors"
)

// IsAllowed is Check reduced to its boolean: true only for an allow. A deny is (false, nil); an
// error means no decision was made (bad input, credentials, network).
//
//	ok, err := client.Authz.IsAllowed(ctx, plystra.AuthzCheckInput{
//		ResourceType: "invoice", ResourceID: "invoice_001", Action: "approve",
//	})
func (s *AuthzService) IsAllowed(ctx context.Context, input AuthzCheckInput) (bool, error) {
	res, err := s.Check(ctx, input)
	if err != nil {
		return false, err
	}
	return res.Allow, nil
}

// ErrNotDecisionTrace and ErrNotMutationTrace are returned by AuditLogDetail's trace accessors
// when the row holds the other kind of trace.
var (
	ErrNotDecisionTrace = errors.New("plystra: audit row does not hold a decision trace")
	ErrNotMutationTrace = errors.New("plystra: audit row does not hold a mutation trace")
)

// IsMutation reports whether the row's trace records a management mutation rather than an
// authorization decision.
func (d *AuditLogDetail) IsMutation() bool {
	var probe struct {
		Kind MutationTraceKind `json:"kind"`
	}
	return json.Unmarshal(d.Trace, &probe) == nil && probe.Kind == MutationTraceKindManagementMutation
}

// DecisionTrace decodes the trace of an authorization row: the full decision, as Authz.Explain
// returns it.
func (d *AuditLogDetail) DecisionTrace() (*DecisionTrace, error) {
	if d.IsMutation() {
		return nil, ErrNotDecisionTrace
	}
	var t DecisionTrace
	if err := json.Unmarshal(d.Trace, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// MutationTrace decodes the trace of a management-mutation row.
func (d *AuditLogDetail) MutationTrace() (*MutationTrace, error) {
	if !d.IsMutation() {
		return nil, ErrNotMutationTrace
	}
	var t MutationTrace
	if err := json.Unmarshal(d.Trace, &t); err != nil {
		return nil, err
	}
	return &t, nil
}
