//go:build tools

// Package deps pins modules that packages under construction are about to
// use, so go mod tidy keeps them meanwhile. Remove an entry once a real
// package imports it.
package deps

import (
	_ "github.com/andybalholm/brotli"
	_ "github.com/markusmobius/go-htmldate"
	_ "github.com/pemistahl/lingua-go"
	_ "github.com/temoto/robotstxt"
	_ "golang.org/x/net/html/charset"
)
