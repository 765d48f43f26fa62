//go:build !race

package plystra_test

// raceEnabled: the tests were built with -race; builds they start reuse the same cached packages.
const raceEnabled = false
