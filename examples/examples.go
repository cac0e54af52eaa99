// Package examples embeds the example configuration so that the demo runs
// from the binary alone.
package examples

import "embed"

// Rules holds rules/*.yaml, the example rule set for a Vietnamese province.
//
//go:embed rules/*.yaml
var Rules embed.FS

// Eval holds eval/*.yaml, the labelled texts the default rule set is
// measured against (presswatch rules eval, make eval).
//
//go:embed eval/*.yaml
var Eval embed.FS
