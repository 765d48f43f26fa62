module github.com/plystra/go-plystra

go 1.23
