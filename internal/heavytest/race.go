//go:build race

package heavytest

const raceEnabled = true
