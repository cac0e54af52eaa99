// Package archive keeps built reports in the NATS object store "reports",
// which every process shares, and builds them in every format at once.
package archive

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/presswatch/presswatch/names"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/render"
)

// ErrNotFound is returned for a file the archive does not hold.
var ErrNotFound = errors.New("no such archived report")

// Entry is one archived file.
type Entry struct {
	// Name is the object's name: <first day>_<last day>/<lang>/<file>.
	Name    string        `json:"name"`
	File    string        `json:"file"`
	From    string        `json:"from"` // first day, YYYY-MM-DD
	To      string        `json:"to"`   // last day
	Lang    string        `json:"lang"`
	Format  render.Format `json:"format"`
	Size    uint64        `json:"size"`
	Created time.Time     `json:"created"`
	By      string        `json:"by"`
}

// Archive reads and writes the reports object store.
type Archive struct{ OBS jetstream.ObjectStore }

// Put stores one file of p's report.
func (a Archive) Put(ctx context.Context, p report.Period, lang string, f render.Format, data []byte, by string) (Entry, error) {
	file := render.FileName(p, f)
	name := p.Name() + "/" + lang + "/" + file
	info, err := a.OBS.Put(ctx, jetstream.ObjectMeta{
		Name: name, Description: "presswatch report " + p.Name(),
		Metadata: map[string]string{
			"from": p.From.Format(time.DateOnly), "to": p.Last().Format(time.DateOnly),
			"lang": lang, "format": string(f), "by": by,
		},
	}, bytes.NewReader(data))
	if err != nil {
		return Entry{}, fmt.Errorf("archive %s: %w", name, err)
	}
	return entryOf(info), nil
}

func entryOf(info *jetstream.ObjectInfo) Entry {
	m := info.Metadata
	file := info.Name[strings.LastIndexByte(info.Name, '/')+1:]
	return Entry{
		Name: info.Name, File: file, From: m["from"], To: m["to"], Lang: m["lang"],
		Format: render.Format(m["format"]), Size: info.Size, Created: info.ModTime, By: m["by"],
	}
}

// List returns every archived file, newest period first, then by format.
func (a Archive) List(ctx context.Context) ([]Entry, error) {
	infos, err := a.OBS.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list archived reports: %w", err)
	}
	var out []Entry
	for _, info := range infos {
		if !info.Deleted {
			out = append(out, entryOf(info))
		}
	}
	order := func(f render.Format) int { return slices.Index(render.Formats(), f) }
	slices.SortFunc(out, func(x, y Entry) int {
		if c := cmp.Compare(y.From, x.From); c != 0 {
			return c
		}
		if c := cmp.Compare(y.To, x.To); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Lang, y.Lang); c != 0 {
			return c
		}
		return cmp.Compare(order(x.Format), order(y.Format))
	})
	return out, nil
}

// Get returns one archived file.
func (a Archive) Get(ctx context.Context, name string) (Entry, []byte, error) {
	info, err := a.OBS.GetInfo(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return Entry{}, nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return Entry{}, nil, fmt.Errorf("archived report %s: %w", name, err)
	}
	data, err := a.OBS.GetBytes(ctx, name)
	if err != nil {
		return Entry{}, nil, fmt.Errorf("archived report %s: %w", name, err)
	}
	return entryOf(info), data, nil
}

// Publisher builds a period's report once and archives it in every
// format.
type Publisher struct {
	Builder *report.Builder
	Archive Archive
	// Departments names departments in the report's language.
	Departments names.Departments
}

// Published is what Publish made: the files by format, and their entries.
type Published struct {
	Report  *report.Report
	Files   map[render.Format][]byte
	Entries []Entry
}

// Publish builds p's report in lang, renders every format and archives
// each file.
func (pb Publisher) Publish(ctx context.Context, p report.Period, lang, by string) (*Published, error) {
	r, err := pb.Builder.Build(ctx, p)
	if err != nil {
		return nil, err
	}
	n, err := report.NewNames(lang, pb.Departments.In(lang))
	if err != nil {
		return nil, err
	}
	out := &Published{Report: r, Files: map[render.Format][]byte{}}
	for _, f := range render.Formats() {
		var buf bytes.Buffer
		if err := render.Write(&buf, f, r, n); err != nil {
			return nil, err
		}
		out.Files[f] = buf.Bytes()
		e, err := pb.Archive.Put(ctx, r.Period, n.Lang, f, buf.Bytes(), by)
		if err != nil {
			return nil, err
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}
