package indexer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/util"
	bolt "go.etcd.io/bbolt"
)

// ErrDamaged marks an index that cannot be trusted: a segment whose
// checksum does not match, a truncated segment, an unreadable root.bolt,
// or a read that panicked. The cure is the same for all of them.
var ErrDamaged = errors.New("index damaged")

// reindexHint is what every damage message ends with: the operator's
// next step.
const reindexHint = "stop presswatch and rebuild the index from the article stream with `presswatch reindex`"

// DamagedError names the partition and what is wrong with it.
type DamagedError struct {
	Partition string
	Err       error
}

func (e *DamagedError) Error() string {
	if e.Partition == "" {
		return fmt.Sprintf("index is damaged: %v; %s", e.Err, reindexHint)
	}
	return fmt.Sprintf("index partition %s is damaged: %v; %s", e.Partition, e.Err, reindexHint)
}

func (e *DamagedError) Unwrap() []error { return []error{ErrDamaged, e.Err} }

// zapTrailer is the end of a zap segment: chunk mode, version and the
// CRC-32 of everything before it (see zapx's persistFooter). A shorter
// file cannot be a segment.
const zapTrailer = 12

// verifyPartition checks, before Bleve opens it, that the partition's
// root.bolt is readable and that every segment its newest snapshot names
// is whole: present, not truncated, and matching the CRC-32 zap writes at
// its end. Bleve checks none of this: a corrupt segment is served, a
// truncated one panics, and a snapshot that fails to load is silently
// skipped for an older one or for an empty index.
func verifyPartition(dir string) (err error) {
	name := filepath.Base(dir)
	root := filepath.Join(dir, "store", "root.bolt")
	if _, err := os.Stat(root); errors.Is(err, os.ErrNotExist) {
		return nil // a partition never persisted: nothing to check
	}
	defer func() {
		// bbolt panics on some corrupt pages rather than failing.
		if r := recover(); r != nil {
			err = &DamagedError{Partition: name, Err: fmt.Errorf("root.bolt: %v", r)}
		}
	}()
	db, err := bolt.Open(root, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return &DamagedError{Partition: name, Err: fmt.Errorf("root.bolt: %w", err)}
	}
	defer db.Close()
	var segments []string
	err = db.View(func(tx *bolt.Tx) error {
		snaps := tx.Bucket(util.BoltSnapshotsBucket)
		if snaps == nil {
			return nil
		}
		k, _ := snaps.Cursor().Last()
		if k == nil {
			return nil
		}
		snap := snaps.Bucket(k)
		if snap == nil {
			return errors.New("newest snapshot has no bucket")
		}
		return snap.ForEachBucket(func(k []byte) error {
			if len(k) == 0 || k[0] == util.BoltInternalKey[0] || k[0] == util.BoltMetaDataKey[0] {
				return nil
			}
			p := snap.Bucket(k).Get(util.BoltPathKey)
			if p == nil {
				return fmt.Errorf("segment %x has no path", k)
			}
			segments = append(segments, string(p))
			return nil
		})
	})
	if err != nil {
		return &DamagedError{Partition: name, Err: fmt.Errorf("root.bolt: %w", err)}
	}
	for _, seg := range segments {
		if err := verifySegment(filepath.Join(dir, "store", seg)); err != nil {
			return &DamagedError{Partition: name, Err: err}
		}
	}
	return nil
}

// openPartition verifies a partition and opens it; Bleve's own failure
// (a root.bolt it cannot read) or panic is reported as damage too.
func openPartition(dir string) (p bleve.Index, err error) {
	name := filepath.Base(dir)
	if err := verifyPartition(dir); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &DamagedError{Partition: name, Err: fmt.Errorf("open: %v", r)}
		}
	}()
	p, err = bleve.Open(dir)
	if err != nil {
		return nil, &DamagedError{Partition: name, Err: fmt.Errorf("open: %w", err)}
	}
	return p, nil
}

// verifySegment compares a zap file's stored CRC-32 with its content.
func verifySegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(path), err)
	}
	if st.Size() < zapTrailer {
		return fmt.Errorf("segment %s is truncated (%d bytes)", filepath.Base(path), st.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, st.Size()-4)); err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(path), err)
	}
	var stored [4]byte
	if _, err := f.ReadAt(stored[:], st.Size()-4); err != nil {
		return fmt.Errorf("segment %s: %w", filepath.Base(path), err)
	}
	if got := h.Sum32(); got != binary.BigEndian.Uint32(stored[:]) {
		return fmt.Errorf("segment %s fails its checksum (truncated or overwritten)", filepath.Base(path))
	}
	return nil
}

// guard runs a read or write of one partition, turning a panic inside
// Bleve (a segment damaged after it was opened) into a DamagedError that
// is also remembered for readiness, instead of a crashed process.
func (x *Index) guard(part string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Partition: part, Err: fmt.Errorf("read failed: %v", r)}
			x.noteDamage(err)
		}
	}()
	return fn()
}

// noteDamage remembers the first damage found after opening, for
// Damaged.
func (x *Index) noteDamage(err error) {
	x.damageMu.Lock()
	defer x.damageMu.Unlock()
	if x.damaged == nil {
		x.damaged = err
	}
}

// Damaged is nil unless a read found the index damaged since it was
// opened; readiness reports it.
func (x *Index) Damaged() error {
	x.damageMu.Lock()
	defer x.damageMu.Unlock()
	return x.damaged
}
