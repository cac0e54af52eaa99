package indexer

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagedIndex builds a real index of the test articles, closes it, and
// lets damage change its files; it returns the index directory.
func damagedIndex(t *testing.T, damage func(t *testing.T, store string)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	idx, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.IndexBatch(testArticles()); err != nil {
		t.Fatal(err)
	}
	parts := idx.Partitions()
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if len(parts) == 0 {
		t.Fatal("no partition written")
	}
	damage(t, filepath.Join(dir, parts[0], "store"))
	return dir
}

func segmentsIn(t *testing.T, store string) []string {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(store, "*.zap"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("no segment in %s (%v)", store, err)
	}
	return segs
}

// TestDamagedIndexIsRefusedNamingReindex: random bytes in a segment, a
// truncated segment and a corrupt root.bolt each stop the index from
// opening with a message that names `presswatch reindex` (never a panic,
// never an index that quietly answers from what is left).
func TestDamagedIndexIsRefusedNamingReindex(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, tt := range []struct {
		name   string
		damage func(t *testing.T, store string)
		want   string
	}{
		{"random bytes in a segment", func(t *testing.T, store string) {
			seg := segmentsIn(t, store)[0]
			b, err := os.ReadFile(seg)
			if err != nil {
				t.Fatal(err)
			}
			// Overwrite a run in the middle, where the postings are.
			at := len(b) / 3
			for i := at; i < at+64 && i < len(b)-16; i++ {
				b[i] = byte(rnd.Uint32())
			}
			if err := os.WriteFile(seg, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "fails its checksum"},
		{"truncated segment", func(t *testing.T, store string) {
			seg := segmentsIn(t, store)[0]
			st, err := os.Stat(seg)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(seg, st.Size()/2); err != nil {
				t.Fatal(err)
			}
		}, "fails its checksum"},
		{"segment cut to a few bytes", func(t *testing.T, store string) {
			if err := os.Truncate(segmentsIn(t, store)[0], 7); err != nil {
				t.Fatal(err)
			}
		}, "is truncated"},
		{"segment missing", func(t *testing.T, store string) {
			if err := os.Remove(segmentsIn(t, store)[0]); err != nil {
				t.Fatal(err)
			}
		}, "no such file"},
		{"corrupt root.bolt", func(t *testing.T, store string) {
			root := filepath.Join(store, "root.bolt")
			b, err := os.ReadFile(root)
			if err != nil {
				t.Fatal(err)
			}
			for i := range b {
				b[i] = byte(rnd.Uint32())
			}
			if err := os.WriteFile(root, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "root.bolt"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := damagedIndex(t, tt.damage)
			idx, err := Open(dir)
			if err == nil {
				idx.Close()
				t.Fatal("a damaged index opened")
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "presswatch reindex") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want ErrDamaged naming `presswatch reindex` and %q", err, tt.want)
			}
		})
	}
}

// TestReadPanicBecomesAnError: a panic inside a partition read (what a
// segment damaged after opening does to Bleve) fails that search with
// ErrDamaged and marks the index damaged, and the process goes on.
func TestReadPanicBecomesAnError(t *testing.T) {
	t.Parallel()
	idx := openTestIndex(t)
	if err := idx.IndexBatch(testArticles()); err != nil {
		t.Fatal(err)
	}
	err := idx.guard("2026-11", func() error {
		var offsets []int
		_ = offsets[len(offsets)] // the kind of runtime panic a bad offset causes
		return nil
	})
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "partition 2026-11") || !strings.Contains(err.Error(), "presswatch reindex") {
		t.Errorf("guard error = %v", err)
	}
	if d := idx.Damaged(); !errors.Is(d, ErrDamaged) {
		t.Errorf("Damaged() = %v, want the damage remembered", d)
	}
	if _, err := idx.Search(context.Background(), SearchRequest{Q: "Điện Biên"}); err != nil {
		t.Errorf("an undamaged search failed: %v", err)
	}
}
