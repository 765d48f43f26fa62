package plystra

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// APIError is an error answer of Core: any non-2xx response. Use errors.As to inspect it, or
// the IsNotFound, IsUnauthorized, … helpers. A deny of Authz.Check is never an APIError: it is
// a normal result with Allow false.
//
//	var apiErr *plystra.APIError
//	if errors.As(err, &apiErr) {
//		log.Printf("%s (request %s)", apiErr.Code, apiErr.RequestID)
//	}
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the stable UPPER_SNAKE error code, e.g. VALIDATION_FAILED (HTTP_<status> when the
	// body was not an error envelope, e.g. from a proxy).
	Code ErrorCode
	// Message is the server's safe, human-readable explanation.
	Message string
	// Details is the structured context decoded from JSON (nil when none), e.g.
	// {"field": "email", "reason": …} for validation failures, {"permission": …} for
	// ADMIN_PERMISSION_REQUIRED.
	Details any
	// RequestID identifies the request in Core's logs and audit rows; quote it in bug reports.
	RequestID string
	// TraceID and AuditLogID are set when the error carries an authorization decision.
	TraceID string
	// AuditLogID is the audit row written for the decision, when there is one.
	AuditLogID string
	// DenyCode is set when the error carries an authorization decision.
	DenyCode DenyCode
	// RetryAfter is the pause the server asked for with Retry-After (zero when none).
	RetryAfter time.Duration
	// Header holds the response headers.
	Header http.Header
}

// Error implements error.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("plystra: %d %s: %s", e.StatusCode, e.Code, e.Message)
	if e.RequestID != "" {
		msg += " (request_id " + e.RequestID + ")"
	}
	return msg
}

// Field names the offending request field of a validation error (details.field, else the first
// of details.fields[].field); "" when the server named none.
func (e *APIError) Field() string {
	d, ok := e.Details.(map[string]any)
	if !ok {
		return ""
	}
	if f, ok := d["field"].(string); ok {
		return f
	}
	if list, ok := d["fields"].([]any); ok {
		for _, item := range list {
			if m, ok := item.(map[string]any); ok {
				if f, ok := m["field"].(string); ok {
					return f
				}
			}
		}
	}
	return ""
}

func newAPIError(res *http.Response, body []byte) *APIError {
	e := &APIError{
		StatusCode: res.StatusCode,
		Code:       ErrorCode(fmt.Sprintf("HTTP_%d", res.StatusCode)),
		Message:    http.StatusText(res.StatusCode),
		RequestID:  res.Header.Get("X-Request-ID"),
		Header:     res.Header,
	}
	if d, ok := parseRetryAfter(res.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	var env ErrorEnvelope
	if json.Unmarshal(body, &env) == nil && env.Error.Code != "" {
		e.Code = env.Error.Code
		e.Message = env.Error.Message
		e.Details = env.Error.Details
		e.TraceID = env.Error.TraceID
		e.AuditLogID = env.Error.AuditLogID
		e.DenyCode = env.Error.DenyCode
		if env.Error.RequestID != "" {
			e.RequestID = env.Error.RequestID
		} else if env.RequestID != "" {
			e.RequestID = env.RequestID
		}
	}
	return e
}

func statusIs(err error, status int) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == status
}

// IsNotFound reports whether err is a 404 answer (the entity does not exist or is out of reach).
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is a 401 answer (missing, invalid or expired credentials:
// AUTHENTICATION_REQUIRED, SESSION_EXPIRED).
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is a 403 answer (e.g. ADMIN_PERMISSION_REQUIRED).
func IsForbidden(err error) bool { return statusIs(err, http.StatusForbidden) }

// IsConflict reports whether err is a 409 answer (uniqueness or state conflict).
func IsConflict(err error) bool { return statusIs(err, http.StatusConflict) }

// IsValidation reports whether err is a 400 answer (VALIDATION_FAILED); APIError.Field names the
// offending field.
func IsValidation(err error) bool { return statusIs(err, http.StatusBadRequest) }

// IsRateLimited reports whether err is a 429 answer; APIError.RetryAfter says when to try again.
func IsRateLimited(err error) bool { return statusIs(err, http.StatusTooManyRequests) }

// IsTimeout reports whether err is a call that ran out of time: its context deadline or
// WithTimeout passed, or the network layer timed out.
func IsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
