package story

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/textnorm"
)

const (
	// NumHashes is the number of MinHash functions in a Signature. 128
	// estimates a Jaccard similarity near 0.5 with a standard error of 0.044
	// and splits into 32 LSH bands of 4 rows (see doc.go for the curve).
	NumHashes = 128

	// shingleSize is the number of consecutive folded words hashed together,
	// as for article.SimHash: three keeps word order in the fingerprint
	// while one edited word changes only three shingles.
	shingleSize = 3

	textBands = 32
	textRows  = NumHashes / textBands

	// Titles are short, so their bigram sets get a smaller sketch used only
	// to find candidates (16 bands of 2 rows: a title pair with Jaccard 0.5
	// is a candidate 99% of the time). Whether two titles are similar is
	// then decided on the exact sets.
	titleHashes = 32
	titleBands  = 16
	titleRows   = titleHashes / titleBands

	// sigVersion changes whenever Sign or the title sets change, so records
	// written by an older build are re-signed or skipped, never compared with
	// incompatible sketches.
	sigVersion = 1
)

// Signature is a MinHash sketch of the set of word 3-shingles of a text: for
// each of NumHashes seeded hash functions, the smallest hash of any shingle.
// The share of positions where two signatures agree estimates the Jaccard
// similarity of the two shingle sets.
type Signature struct {
	Mins [NumHashes]uint32
	// Shingles is the number of distinct shingles in the text; 0 means the
	// text had no words and the signature matches nothing.
	Shingles int
}

// hashFamily holds the parameters of the seeded hash functions: h_i(x) is
// the high 32 bits of a[i]*x + b[i] (mod 2^64), a multiply-shift family that
// is cheap enough to evaluate 128 times per shingle. The shingle hash x is
// already mixed, so the family does not see structured input.
type hashFamily struct {
	a, b [NumHashes]uint64
}

// family is derived from a fixed seed so that signatures persisted in KV by
// one process compare with those of every other process and build. It is
// written once at package initialisation and only read afterwards.
var family = newHashFamily(0x707265737377617e)

func newHashFamily(seed uint64) *hashFamily {
	f := &hashFamily{}
	s := seed
	next := func() uint64 {
		// splitmix64
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		return z ^ z>>31
	}
	for i := range NumHashes {
		f.a[i] = next() | 1
		f.b[i] = next()
	}
	return f
}

// Sign returns the MinHash signature of text's 3-shingles of folded words
// (textnorm.Tokenize), so case, diacritics, tone placement, punctuation and
// spacing do not count as edits. A text of one or two words is one shingle.
func Sign(text string) Signature {
	return signTokens(textnorm.Tokenize(text))
}

func signTokens(toks []textnorm.Token) Signature {
	var s Signature
	hs := shingleHashes(toks, shingleSize)
	s.Shingles = len(hs)
	minHash(s.Mins[:], hs)
	return s
}

// minHash fills mins (a prefix of the family's functions) with the minima
// over hs; with no hashes every slot stays at the maximum.
func minHash(mins []uint32, hs []uint64) {
	for i := range mins {
		mins[i] = ^uint32(0)
	}
	f := family
	switch len(mins) {
	case NumHashes:
		// A fixed-size array lets the compiler drop the bounds checks of
		// the inner loop, which is where Sign spends its time.
		m := (*[NumHashes]uint32)(mins)
		for _, x := range hs {
			for i := range m {
				if v := uint32((f.a[i]*x + f.b[i]) >> 32); v < m[i] {
					m[i] = v
				}
			}
		}
	default:
		for _, x := range hs {
			for i := range mins {
				if v := uint32((f.a[i]*x + f.b[i]) >> 32); v < mins[i] {
					mins[i] = v
				}
			}
		}
	}
}

// shingleHashes returns the sorted, distinct hashes of the runs of n
// consecutive tokens; fewer than n tokens make one shingle of all of them.
func shingleHashes(toks []textnorm.Token, n int) []uint64 {
	if len(toks) == 0 {
		return nil
	}
	n = min(n, len(toks))
	hs := make([]uint64, 0, len(toks)-n+1)
	for i := 0; i+n <= len(toks); i++ {
		hs = append(hs, shingleHash(toks[i:i+n]))
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

// shingleHash is article.ShingleHash finished with a MurmurHash3 mixer:
// FNV's low bits are weak and the hash family multiplies them into the
// high bits.
func shingleHash(toks []textnorm.Token) uint64 { return mix64(article.ShingleHash(toks)) }

// mix64 is the MurmurHash3 64-bit finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// Jaccard estimates the Jaccard similarity of the shingle sets behind a and
// b: the share of hash functions whose minima agree. An empty signature is
// similar to nothing, not even another empty one.
func Jaccard(a, b Signature) float64 {
	return jaccard(&a, &b)
}

func jaccard(a, b *Signature) float64 {
	if a.Shingles == 0 || b.Shingles == 0 {
		return 0
	}
	n := 0
	for i := range a.Mins {
		if a.Mins[i] == b.Mins[i] {
			n++
		}
	}
	return float64(n) / NumHashes
}

// containment estimates the share of a's shingles that are also in b from
// the Jaccard estimate j and the set sizes: |A∩B| = j/(1+j)·(|A|+|B|).
func containment(a, b *Signature, j float64) float64 {
	if a.Shingles == 0 || b.Shingles == 0 {
		return 0
	}
	inter := j / (1 + j) * float64(a.Shingles+b.Shingles)
	return min(1, inter/float64(a.Shingles))
}

// MarshalBinary encodes s as its version, shingle count and minima.
func (s Signature) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 2+binary.MaxVarintLen64+4*NumHashes)
	b = append(b, sigVersion)
	b = binary.AppendUvarint(b, uint64(s.Shingles))
	for _, m := range s.Mins {
		b = binary.LittleEndian.AppendUint32(b, m)
	}
	return b, nil
}

// errSigVersion reports a signature made by an incompatible build.
var errSigVersion = errors.New("signature from another version")

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *Signature) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		return errors.New("decode signature: empty")
	}
	if b[0] != sigVersion {
		return fmt.Errorf("decode signature: version %d: %w", b[0], errSigVersion)
	}
	n, k := binary.Uvarint(b[1:])
	if k <= 0 || n > 1<<40 {
		return errors.New("decode signature: bad shingle count")
	}
	rest := b[1+k:]
	if len(rest) != 4*NumHashes {
		return fmt.Errorf("decode signature: %d bytes of minima, want %d", len(rest), 4*NumHashes)
	}
	s.Shingles = int(n)
	for i := range s.Mins {
		s.Mins[i] = binary.LittleEndian.Uint32(rest[4*i:])
	}
	return nil
}

// titleSet returns the sorted, distinct 32-bit hashes of the folded word
// bigrams of a title (one word is its own set). Bigrams rather than words,
// because Vietnamese words are mostly two syllables and single syllables
// (ha, noi, tinh) are shared by unrelated titles.
func titleSet(title string) []uint32 {
	hs := shingleHashes(textnorm.Tokenize(title), 2)
	out := make([]uint32, 0, len(hs))
	for _, h := range hs {
		out = append(out, uint32(h>>32))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// setJaccard is the exact Jaccard similarity of two sorted sets.
func setJaccard(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := intersect(a, b)
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// titleMins sketches a title set with the first titleHashes functions.
func titleMins(set []uint32) [titleHashes]uint32 {
	var m [titleHashes]uint32
	hs := make([]uint64, len(set))
	for i, v := range set {
		hs[i] = mix64(uint64(v))
	}
	minHash(m[:], hs)
	return m
}
