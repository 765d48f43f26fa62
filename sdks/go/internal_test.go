package plystra

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestExpandPathEscapesAndRefusesEmpty(t *testing.T) {
	got, err := expandPath("/api/v1/resources/{resource_type}/{resource_id}", []string{"invoice", "a/b c"})
	if err != nil || got != "/api/v1/resources/invoice/a%2Fb%20c" {
		t.Errorf("expandPath = %q, %v", got, err)
	}
	if _, err := expandPath("/api/v1/users/{user_id}", []string{""}); err == nil {
		t.Error("an empty path parameter was accepted")
	}
}

func TestBackoffIsBoundedFullJitter(t *testing.T) {
	tr := &transport{backoffBase: 100 * time.Millisecond, backoffMax: time.Second}
	for attempt := range 40 {
		ceiling := min(time.Second, 100*time.Millisecond<<min(attempt, 30))
		for range 20 {
			if d := tr.backoff(attempt); d < 0 || d >= ceiling {
				t.Fatalf("backoff(%d) = %v, want in [0, %v)", attempt, d, ceiling)
			}
		}
	}
}

func TestPaginateStopsOnARepeatedCursor(t *testing.T) {
	calls := 0
	var errs int
	for _, err := range paginate("", func(string) (*Page[int], error) {
		calls++
		return &Page[int]{Data: []int{1}, HasMore: true, Cursor: "same"}, nil
	}) {
		if err != nil {
			errs++
		}
	}
	if calls != 2 || errs != 1 {
		t.Errorf("calls = %d, errors = %d; want 2 and 1", calls, errs)
	}
}
