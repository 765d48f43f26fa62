package plystra

import (
	"fmt"
	"iter"
)

// Page is one page of a list. Pass Cursor back as the Cursor of the list's params for the next
// page, or use the service's All… method, which follows cursors for you.
//
//	page, err := client.Users.List(ctx, &plystra.ListUsersParams{Limit: 50})
//	for page != nil && err == nil && page.HasMore {
//		page, err = client.Users.List(ctx, &plystra.ListUsersParams{Limit: 50, Cursor: page.Cursor})
//	}
type Page[T any] struct {
	// Data holds this page's items.
	Data []T
	// Cursor is the opaque cursor of the next page; "" when there is none.
	Cursor string
	// HasMore is true when another page exists.
	HasMore bool
	// Limit is the page size the server applied.
	Limit int
	// RequestID is the id of the request that fetched this page.
	RequestID string
}

// paginate walks pages from the start cursor; fetch reads one page.
func paginate[T any](start string, fetch func(cursor string) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := start
		for {
			page, err := fetch(cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Data {
				if !yield(item, nil) {
					return
				}
			}
			if !page.HasMore || page.Cursor == "" {
				return
			}
			if page.Cursor == cursor {
				var zero T
				yield(zero, fmt.Errorf("plystra: the server returned the same cursor twice (%q)", cursor))
				return
			}
			cursor = page.Cursor
		}
	}
}
