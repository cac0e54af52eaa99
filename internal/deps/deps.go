//go:build tools

// Package deps pins modules that the code base is about to use, so go mod
// tidy keeps them while packages are being written.
package deps

import (
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/gocolly/colly/v2"
	_ "github.com/markusmobius/go-trafilatura"
	_ "github.com/microcosm-cc/bluemonday"
	_ "github.com/mmcdole/gofeed"
	_ "golang.org/x/net/idna"
	_ "golang.org/x/text/unicode/norm"
	_ "gopkg.in/yaml.v3"
)
