package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"gopkg.in/yaml.v3"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/confstore"
	"github.com/presswatch/presswatch/crawler"
	"github.com/presswatch/presswatch/crawler/extract"
	"github.com/presswatch/presswatch/crawler/fetch"
	"github.com/presswatch/presswatch/sourcehealth"
	"github.com/presswatch/presswatch/web"
	"github.com/presswatch/presswatch/web/ui"
)

// sourceLayers are the sources every crawler polls: those of the
// configuration (crawler.sources, crawler.sources_file) with the sources
// edited in the web UI, kept in KV, laid over them by ID.
type sourceLayers struct {
	cfg   config.Config
	store *confstore.Store
}

// list returns the merged sources and, for each ID, where it is defined.
func (l sourceLayers) list(ctx context.Context) ([]config.Source, map[string]string, error) {
	base, err := config.Sources(l.cfg)
	if err != nil {
		return nil, nil, err
	}
	origin := make(map[string]string, len(base))
	for _, s := range base {
		origin[s.ID] = ui.OriginFile
	}
	recs, err := l.store.All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("sources edited in the UI: %w", err)
	}
	for _, r := range recs {
		i := slices.IndexFunc(base, func(s config.Source) bool { return s.ID == r.ID })
		switch {
		case r.Deleted:
			if i >= 0 {
				base = slices.Delete(base, i, i+1)
			}
			delete(origin, r.ID)
			continue
		case r.Body == "":
			continue // the file's version restored
		}
		src, err := decodeSource(r)
		if err != nil {
			return nil, nil, err
		}
		if i >= 0 {
			base[i] = src
		} else {
			base = append(base, src)
		}
		origin[r.ID] = ui.OriginUI
	}
	return base, origin, nil
}

func (l sourceLayers) sources() ([]config.Source, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srcs, _, err := l.list(ctx)
	return srcs, err
}

// decodeSource reads a stored source as strictly as the sources file; a
// record that does not read or validate refuses the whole reload, as a
// bad file does.
func decodeSource(r confstore.Record) (config.Source, error) {
	var s config.Source
	dec := yaml.NewDecoder(bytes.NewReader([]byte(r.Body)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("config_sources/%s revision %d: %w", r.ID, r.Revision, err)
	}
	if errs := config.CheckSource(s); len(errs) > 0 || s.ID != r.ID {
		return s, fmt.Errorf("config_sources/%s revision %d: invalid source: %v", r.ID, r.Revision, errs)
	}
	return s, nil
}

func encodeSource(s config.Source) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return "", err
	}
	return b.String(), enc.Close()
}

// sourceBoard serves the sources API and pages from the merged sources
// and the shared health bucket, so any web process can answer.
type sourceBoard struct {
	layers sourceLayers
	kv     jetstream.KeyValue
	// tools gives the fetcher and extractor for test fetches.
	tools func() (*fetch.Fetcher, *extract.Extractor, error)
}

func (s sourceBoard) Sources(ctx context.Context) ([]sourcehealth.Status, error) {
	srcs, origin, err := s.layers.list(ctx)
	if err != nil {
		return nil, err
	}
	health, err := sourcehealth.Store{KV: s.kv}.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]sourcehealth.Status, 0, len(srcs))
	for _, src := range srcs {
		st := crawler.StatusOf(src, health[src.ID])
		st.Origin = origin[src.ID]
		out = append(out, st)
	}
	return out, nil
}

func (s sourceBoard) known(ctx context.Context, id string) error {
	srcs, _, err := s.layers.list(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(srcs, func(src config.Source) bool { return src.ID == id }) {
		return web.ErrNotFound
	}
	return nil
}

func (s sourceBoard) Resume(ctx context.Context, id string) error {
	if err := s.known(ctx, id); err != nil {
		return err
	}
	err := crawler.ResumeSource(ctx, s.kv, id)
	if errors.Is(err, crawler.ErrUnknownSource) {
		return nil // never polled: nothing to resume
	}
	return err
}

// Pause stops a source by hand (the web UI's sources page).
func (s sourceBoard) Pause(ctx context.Context, id, by, reason string) error {
	if err := s.known(ctx, id); err != nil {
		return err
	}
	return crawler.PauseSource(ctx, s.kv, id, by, reason)
}

func (s sourceBoard) Source(ctx context.Context, id string) (*ui.SourceDoc, error) {
	srcs, origin, err := s.layers.list(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(srcs, func(src config.Source) bool { return src.ID == id })
	if i < 0 {
		return nil, web.ErrNotFound
	}
	doc := &ui.SourceDoc{Source: srcs[i], Origin: origin[id]}
	if rec, err := s.layers.store.Get(ctx, id); err == nil {
		doc.Revision = rec.Revision
	} else if !errors.Is(err, confstore.ErrNotFound) {
		return nil, err
	}
	doc.History, err = s.layers.store.History(ctx, id)
	return doc, err
}

// SaveSource validates as the sources file is validated, refuses an
// address the crawler may not reach, and stores the source.
func (s sourceBoard) SaveSource(ctx context.Context, in ui.SourceSave) error {
	if probs := s.check(ctx, in.Source); len(probs) > 0 {
		return &ui.InputError{Problems: probs}
	}
	base, action := in.Base, confstore.ActionEdit
	if in.New {
		action = confstore.ActionCreate
		if err := s.known(ctx, in.Source.ID); err == nil {
			return &ui.InputError{Problems: []ui.Problem{{Field: "id", Code: ui.ProblemDuplicate, Detail: fmt.Sprintf("a source with id %q exists", in.Source.ID)}}}
		} else if !errors.Is(err, web.ErrNotFound) {
			return err
		}
		// A deleted source's record is replaced.
		if rec, err := s.layers.store.Get(ctx, in.Source.ID); err == nil {
			base = rec.Revision
		}
	}
	body, err := encodeSource(in.Source)
	if err != nil {
		return err
	}
	_, err = s.layers.store.Save(ctx, confstore.Record{ID: in.Source.ID, Body: body, By: in.By, At: time.Now().UTC(), Action: action}, base)
	return err
}

func (s sourceBoard) check(ctx context.Context, src config.Source) []ui.Problem {
	var probs []ui.Problem
	for _, e := range config.CheckSource(src) {
		probs = append(probs, ui.Problem{Field: e.Field, Code: ui.ProblemInvalid, Detail: e.Msg})
	}
	if slices.ContainsFunc(probs, func(p ui.Problem) bool { return p.Field == "url" }) {
		return probs
	}
	f, _, err := s.tools()
	if err != nil {
		return append(probs, ui.Problem{Field: "url", Code: ui.ProblemFetch, Detail: err.Error()})
	}
	if err := f.CheckHost(ctx, src.URL); err != nil {
		if _, blocked := fetch.IsBlocked(err); blocked {
			probs = append(probs, ui.Problem{Field: "url", Code: ui.ProblemBlocked, Detail: err.Error()})
		}
		// A name that does not resolve now may later: not a reason to
		// refuse the source, the health view will show it.
	}
	return probs
}

func (s sourceBoard) DeleteSource(ctx context.Context, id, by string, base uint64) error {
	if err := s.known(ctx, id); err != nil {
		return err
	}
	_, err := s.layers.store.Save(ctx, confstore.Record{ID: id, Deleted: true, By: by, At: time.Now().UTC(), Action: confstore.ActionDelete}, base)
	return err
}

func (s sourceBoard) TestFetch(ctx context.Context, src config.Source) (*ui.SourcePreview, error) {
	if probs := s.check(ctx, src); len(probs) > 0 {
		return nil, &ui.InputError{Problems: probs}
	}
	f, x, err := s.tools()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	p, err := crawler.TestFetch(ctx, f, x, src)
	if err != nil {
		code := ui.ProblemFetch
		if _, blocked := fetch.IsBlocked(err); blocked {
			code = ui.ProblemBlocked
		}
		return nil, &ui.InputError{Problems: []ui.Problem{{Field: "url", Code: code, Detail: err.Error()}}}
	}
	return &ui.SourcePreview{Items: p.Items, URL: p.URL, Title: p.Title, Lang: p.Lang, Start: p.TextStart,
		Published: p.Published, Partial: p.Partial, PageError: p.PageError}, nil
}

// fetchTools are one fetcher and extractor per process, made on first
// use: the crawler's, and the web UI's test fetches, share them (and so
// the address guard and per-host politeness).
type fetchTools struct {
	once sync.Once
	f    *fetch.Fetcher
	x    *extract.Extractor
	err  error
}

func (a *App) tools() (*fetch.Fetcher, *extract.Extractor, error) {
	a.fetchTools.once.Do(func() {
		t := &a.fetchTools
		cc := a.cfg.Crawler
		delay := cc.MinHostDelay.D()
		if delay == 0 {
			delay = fetch.NoDelay // in our config 0 means none, not "default"
		}
		if t.f, t.err = fetch.New(fetch.Options{
			UserAgent: cc.UserAgent, Timeout: cc.FetchTimeout.D(), MaxBody: cc.MaxBodyBytes.Int64(),
			AllowPrivate: cc.AllowPrivateHosts, PerHostConcurrency: cc.PerHostConcurrency,
			MinHostDelay: delay, GlobalConcurrency: 2 * cc.Concurrency, MaxRetryAfter: cc.MaxRetryAfter.D(), Logger: a.log,
		}); t.err != nil {
			t.err = fmt.Errorf("crawler: %w", t.err)
			return
		}
		if t.x, t.err = extract.New(extract.Options{Languages: cc.Languages}); t.err != nil {
			t.err = fmt.Errorf("crawler: %w", t.err)
		}
	})
	return a.fetchTools.f, a.fetchTools.x, a.fetchTools.err
}
