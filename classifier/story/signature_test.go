package story

import (
	"errors"
	"strings"
	"testing"
)

// exactJaccard is the Jaccard similarity of the 3-shingle sets, the quantity
// a Signature estimates.
func exactJaccard(a, b string) float64 {
	return setJaccard64(shingleSet(a), shingleSet(b))
}

func TestJaccard(t *testing.T) {
	t.Parallel()
	orig := strings.Join(rumour.paras, "\n\n")
	_, cp := rumourCopy()
	tests := []struct {
		name   string
		a, b   string
		lo, hi float64
	}{
		{"identical", orig, orig, 1, 1},
		// Tone marks, case, the other tone placement and punctuation are
		// not edits.
		{"folded", "Thuỷ điện Nậm Pấu, HOÀ BÌNH.", "thuy dien nam pau hoa binh", 1, 1},
		{"tone placement", "hoà thuận và khoẻ mạnh ở Thuỷ Nguyên", "hòa thuận và khỏe mạnh ở Thủy Nguyên", 1, 1},
		{"edited copy", orig, cp, 0.7, 0.95},
		{"unrelated", orig, strings.Join(flood.paras, "\n\n"), 0, 0.05},
		{"empty", "", "", 0, 0},
		{"empty and text", "", orig, 0, 0},
		{"punctuation only", "… — !!", "… — !!", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Jaccard(Sign(tt.a), Sign(tt.b))
			if got < tt.lo || got > tt.hi {
				t.Errorf("Jaccard = %.3f (exact %.3f), want in [%.2f, %.2f]", got, exactJaccard(tt.a, tt.b), tt.lo, tt.hi)
			}
		})
	}
}

func TestSignShortText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"Hà", 1},
		{"Hà Nội", 1},
		{"Hà Nội mưa", 1},
		{"Hà Nội mưa to", 2},
		{"mưa to mưa to mưa to", 2}, // a repeated shingle counts once
	}
	for _, tt := range tests {
		if got := Sign(tt.text).Shingles; got != tt.want {
			t.Errorf("Sign(%q).Shingles = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestSignatureBinary(t *testing.T) {
	t.Parallel()
	s := Sign(strings.Join(flood.paras, " "))
	b, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Signature
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	if got != s {
		t.Errorf("round trip changed the signature")
	}
	bad := []struct {
		name string
		b    []byte
		ver  bool
	}{
		{"empty", nil, false},
		{"other version", append([]byte{sigVersion + 1}, b[1:]...), true},
		{"truncated", b[:len(b)-1], false},
		{"long", append(append([]byte(nil), b...), 0), false},
	}
	for _, tt := range bad {
		err := new(Signature).UnmarshalBinary(tt.b)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if errors.Is(err, errSigVersion) != tt.ver {
			t.Errorf("%s: errors.Is(%v, errSigVersion) = %v, want %v", tt.name, err, !tt.ver, tt.ver)
		}
	}
}

// TestSignStable pins the hash family with golden minima: signatures are
// persisted in KV and compared across processes and builds, so a change to
// tokenising, shingle hashing or the seeded functions must come with a
// sigVersion bump (and new golden values).
func TestSignStable(t *testing.T) {
	t.Parallel()
	s := Sign("Đập thủy điện Nậm Pấu vận hành bình thường")
	got := [4]uint32{s.Mins[0], s.Mins[1], s.Mins[2], s.Mins[NumHashes-1]}
	want := [4]uint32{0x4fc5bc, 0x13a9057d, 0x2daf9567, 0x2e3c36b3}
	if sigVersion != 1 || got != want || s.Shingles != 7 {
		t.Errorf("version %d: minima %#x, %d shingles; want version 1: %#x, 7 shingles", sigVersion, got, s.Shingles, want)
	}
}

func TestTitleSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b   string
		lo, hi float64
	}{
		{"Lũ quét ở Lai Châu", "LŨ QUÉT Ở LAI CHÂU", 1, 1},
		{"Sạt lở nghiêm trọng trên quốc lộ 12 qua thị xã Mường Lay", "NÓNG: Sạt lở nghiêm trọng trên quốc lộ 12 qua thị xã Mường Lay", 0.85, 0.95},
		{"Sạt lở nghiêm trọng trên quốc lộ 12", "Giá vàng hôm nay tăng mạnh", 0, 0},
		{"", "Giá vàng", 0, 0},
	}
	for _, tt := range tests {
		if got := setJaccard(titleSet(tt.a), titleSet(tt.b)); got < tt.lo || got > tt.hi {
			t.Errorf("title similarity of %q and %q = %.3f, want in [%.2f, %.2f]", tt.a, tt.b, got, tt.lo, tt.hi)
		}
	}
}

func TestContainment(t *testing.T) {
	t.Parallel()
	orig := strings.Join(rumour.paras, "\n\n")
	_, excerpt := rumourExcerpt()
	o, e := Sign(orig), Sign(excerpt)
	j := jaccard(&e, &o)
	if c := containment(&e, &o, j); c < 0.6 {
		t.Errorf("containment of the excerpt in the original = %.2f (Jaccard %.2f), want ≥ 0.6", c, j)
	}
	if c := containment(&o, &e, j); c > 0.5 {
		t.Errorf("containment of the original in the excerpt = %.2f, want ≤ 0.5", c)
	}
}
