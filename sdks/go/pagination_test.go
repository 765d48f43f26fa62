package plystra_test

import (
	"testing"

	plystra "github.com/plystra/go-plystra"
)

func TestPaginationAcrossPages(t *testing.T) {
	ctx := testContext(t)
	rec := &recorder{}
	admin := aliceClient(t, plystra.WithHTTPClient(rec.client()))
	space, err := admin.Spaces.Create(ctx, plystra.SpaceCreateInput{Name: unique("Paging")})
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	for i := range 5 {
		m, err := admin.Members.Create(ctx, space.ID, plystra.MemberCreateInput{DisplayName: unique("member")})
		if err != nil {
			t.Fatalf("create member %d: %v", i, err)
		}
		created[m.ID] = true
	}

	first, err := admin.Members.List(ctx, space.ID, &plystra.ListMembersParams{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Data) != 2 || !first.HasMore || first.Cursor == "" || first.Limit != 2 {
		t.Fatalf("first page: %d items, has_more %v, cursor %q, limit %d", len(first.Data), first.HasMore, first.Cursor, first.Limit)
	}
	second, err := admin.Members.List(ctx, space.ID, &plystra.ListMembersParams{Limit: 2, Cursor: first.Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Data) != 2 || second.Data[0].ID == first.Data[0].ID || second.Data[0].ID == first.Data[1].ID {
		t.Fatalf("second page repeats the first: %v", second.Data)
	}

	before := rec.count("/api/v1/spaces/" + space.ID + "/members")
	seen := map[string]bool{}
	for m, err := range admin.Members.All(ctx, space.ID, &plystra.ListMembersParams{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[m.ID] {
			t.Fatalf("All yielded %s twice", m.ID)
		}
		seen[m.ID] = true
	}
	for id := range created {
		if !seen[id] {
			t.Errorf("All missed %s", id)
		}
	}
	if len(seen) != len(created) {
		t.Errorf("All yielded %d members, want %d", len(seen), len(created))
	}
	if pages := rec.count("/api/v1/spaces/"+space.ID+"/members") - before; pages != 3 {
		t.Errorf("All fetched %d pages of 2 for 5 members, want 3", pages)
	}

	// Breaking out of the loop stops fetching.
	before = rec.count("/api/v1/spaces/" + space.ID + "/members")
	for range admin.Members.All(ctx, space.ID, &plystra.ListMembersParams{Limit: 2}) {
		break
	}
	if pages := rec.count("/api/v1/spaces/"+space.ID+"/members") - before; pages != 1 {
		t.Errorf("an abandoned iteration fetched %d pages, want 1", pages)
	}

	// An error ends the iteration with that error.
	n := 0
	for _, err := range newClient().Users.All(ctx, nil) {
		n++
		if !plystra.IsUnauthorized(err) {
			t.Errorf("All without credentials yielded %v, want 401", err)
		}
	}
	if n != 1 {
		t.Errorf("failing All yielded %d times, want 1", n)
	}
}
