package article

import (
	"crypto/sha256"
	"encoding/hex"
	"math/bits"

	"github.com/presswatch/presswatch/textnorm"
)

// ContentHash returns the hex SHA-256 of the normalised title and text
// joined by a newline. Normalising first means re-encoding (NFD, the other
// tone placement) is not mistaken for an edit.
func ContentHash(title, text string) string {
	h := sha256.New()
	h.Write([]byte(textnorm.Normalize(title)))
	h.Write([]byte{'\n'})
	h.Write([]byte(textnorm.Normalize(text)))
	return hex.EncodeToString(h.Sum(nil))
}

// shingleSize is the number of consecutive words hashed together. Three
// keeps word order in the fingerprint while one edited word changes only
// three shingles.
const shingleSize = 3

// SimHash returns a 64-bit SimHash of text for near-duplicate detection:
// each run of shingleSize consecutive folded words (see textnorm.Tokenize)
// is hashed with FNV-1a 64 and votes on every bit. Texts that differ in a few
// words get fingerprints a small HammingDistance apart. A text shorter than a
// shingle is hashed as one shingle; a text without words hashes to 0.
func SimHash(text string) uint64 {
	toks := textnorm.Tokenize(text)
	if len(toks) == 0 {
		return 0
	}
	n := min(shingleSize, len(toks))
	var votes [64]int
	for i := 0; i+n <= len(toks); i++ {
		h := ShingleHash(toks[i : i+n])
		for b := range votes {
			if h&(1<<b) != 0 {
				votes[b]++
			} else {
				votes[b]--
			}
		}
	}
	var fp uint64
	for b, v := range votes {
		if v > 0 {
			fp |= 1 << b
		}
	}
	return fp
}

// ShingleHash is FNV-1a 64 of the token texts joined by single spaces,
// computed without building the joined string.
func ShingleHash(toks []textnorm.Token) uint64 {
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	for i, t := range toks {
		if i > 0 {
			h ^= ' '
			h *= prime64
		}
		for j := 0; j < len(t.Text); j++ {
			h ^= uint64(t.Text[j])
			h *= prime64
		}
	}
	return h
}

// HammingDistance returns the number of bits in which a and b differ.
func HammingDistance(a, b uint64) int {
	return bits.OnesCount64(a ^ b)
}
