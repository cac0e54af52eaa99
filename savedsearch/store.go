// Package savedsearch keeps the searches officers saved from the search
// page, and their subscriptions to a daily digest of new matches, in a NATS
// KV bucket (saved_searches), so that every process sees the same set and
// it survives the loss of any one machine, as confstore does for rules and
// sources. A search belongs to the account that saved it: only its owner
// lists, runs, changes or deletes it.
//
// Keys: "search.<id>" holds a Search, "digest.<id>" the state of its
// digest (what was sent, and a send in progress).
package savedsearch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/presswatch/presswatch/query"
	"github.com/presswatch/presswatch/textnorm"
)

// MaxName bounds a search's name, in characters.
const MaxName = 120

// Search is one saved search.
type Search struct {
	ID    string `json:"id"`
	Owner string `json:"owner"`
	Name  string `json:"name"`
	// Query is the search in the query language (the q parameter).
	Query string `json:"query"`
	// Filters are the search page's other parameters (source, tier,
	// lang, label, severity, site, sort), URL-encoded; never dates, since
	// a saved search looks at what is new whenever it is run.
	Filters string `json:"filters,omitempty"`
	// Lang is the owner's language when saved or last changed: the
	// digest's language (vi or en).
	Lang string `json:"lang"`
	// Subscription, when set, sends the daily digest.
	Subscription *Subscription `json:"subscription,omitempty"`
	Created      time.Time     `json:"created"`
	Updated      time.Time     `json:"updated"`
	// Revision is the KV revision read (not stored).
	Revision uint64 `json:"-"`
}

// Subscription says where a search's daily digest goes.
type Subscription struct {
	// Receiver names a receiver of alerts.receivers.
	Receiver string `json:"receiver"`
	// To is the e-mail address for an email receiver; empty for a chat
	// receiver, which sends to its configured chat.
	To string `json:"to,omitempty"`
	// Since is when the subscription began: the first digest reports
	// what was published after it.
	Since time.Time `json:"since"`
}

// Params are the search's URL parameters (q and the filters), as the
// search page and the search API read them.
func (s Search) Params() url.Values {
	v, err := url.ParseQuery(s.Filters)
	if err != nil {
		v = url.Values{}
	}
	v.Set("q", s.Query)
	return v
}

// filterKeys are the search page's parameters a saved search keeps.
var filterKeys = []string{"source", "site", "tier", "lang", "label", "severity", "sort"}

// FiltersOf keeps the filter parameters of a search page's URL.
func FiltersOf(v url.Values) string {
	out := url.Values{}
	for _, k := range filterKeys {
		for _, x := range v[k] {
			if x = strings.TrimSpace(x); x != "" {
				out.Add(k, x)
			}
		}
	}
	return out.Encode()
}

// FieldError is input the user can fix: Field names the form field,
// Code the message (a locale key suffix), Detail the query language's
// own error where there is one.
type FieldError struct {
	Field, Code, Detail string
	// Col is the query error's column (1-based), 0 when it has none.
	Col int
}

func (e *FieldError) Error() string {
	if e.Detail != "" {
		return fmt.Sprintf("%s: %s: %s", e.Field, e.Code, e.Detail)
	}
	return e.Field + ": " + e.Code
}

// Field error codes.
const (
	CodeNameEmpty     = "name_empty"
	CodeNameLong      = "name_long"
	CodeNameDuplicate = "name_duplicate"
	CodeQueryEmpty    = "query_empty"
	CodeQueryInvalid  = "query_invalid"
	CodeReceiver      = "receiver"
	CodeAddress       = "address"
)

// ErrNotFound is returned for a search the store does not have, or that
// belongs to someone else (the two are not told apart).
var ErrNotFound = errors.New("saved search not found")

// ErrConflict is returned when the search changed since it was read.
var ErrConflict = errors.New("saved search changed meanwhile")

// Store is the saved_searches bucket.
type Store struct {
	kv jetstream.KeyValue
	// validQuery checks a query (query.Parse with the live lists).
	validQuery func(string) error
	now        func() time.Time
}

// New uses bucket kv; validQuery returns the query language's error for a
// query that does not parse.
func New(kv jetstream.KeyValue, validQuery func(string) error, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{kv: kv, validQuery: validQuery, now: now}
}

func searchKey(id string) string { return "search." + id }

// check validates name and query, and the name's uniqueness among the
// owner's other searches.
func (st *Store) check(ctx context.Context, s *Search) error {
	s.Name = strings.TrimSpace(s.Name)
	s.Query = strings.TrimSpace(s.Query)
	switch {
	case s.Name == "":
		return &FieldError{Field: "name", Code: CodeNameEmpty}
	case utf8.RuneCountInString(s.Name) > MaxName:
		return &FieldError{Field: "name", Code: CodeNameLong}
	case s.Query == "":
		return &FieldError{Field: "query", Code: CodeQueryEmpty}
	}
	if st.validQuery != nil {
		if err := st.validQuery(s.Query); err != nil {
			fe := &FieldError{Field: "query", Code: CodeQueryInvalid, Detail: err.Error()}
			if qe := (*query.Error)(nil); errors.As(err, &qe) {
				fe.Detail, fe.Col = qe.Msg, qe.Col
			}
			return fe
		}
	}
	mine, err := st.List(ctx, s.Owner)
	if err != nil {
		return err
	}
	name := textnorm.Fold(s.Name)
	if slices.ContainsFunc(mine, func(o Search) bool { return o.ID != s.ID && textnorm.Fold(o.Name) == name }) {
		return &FieldError{Field: "name", Code: CodeNameDuplicate}
	}
	return nil
}

// Create saves a new search for s.Owner.
func (st *Store) Create(ctx context.Context, s Search) (Search, error) {
	if s.Owner == "" {
		return Search{}, errors.New("saved search: no owner")
	}
	s.ID = newID()
	if err := st.check(ctx, &s); err != nil {
		return Search{}, err
	}
	s.Created = st.now().UTC()
	s.Updated = s.Created
	rev, err := st.kv.Create(ctx, searchKey(s.ID), mustJSON(s))
	if err != nil {
		return Search{}, fmt.Errorf("save search %s: %w", s.ID, err)
	}
	s.Revision = rev
	return s, nil
}

// Get returns owner's search id.
func (st *Store) Get(ctx context.Context, owner, id string) (Search, error) {
	e, err := st.kv.Get(ctx, searchKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return Search{}, ErrNotFound
	}
	if err != nil {
		return Search{}, fmt.Errorf("get search %s: %w", id, err)
	}
	s, err := decode(e)
	if err != nil {
		return Search{}, err
	}
	if owner != "" && s.Owner != owner {
		return Search{}, ErrNotFound
	}
	return s, nil
}

func decode(e jetstream.KeyValueEntry) (Search, error) {
	var s Search
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		return Search{}, fmt.Errorf("decode %s revision %d: %w", e.Key(), e.Revision(), err)
	}
	s.Revision = e.Revision()
	return s, nil
}

// Update changes owner's search id with change, then validates and
// stores it; a concurrent change is ErrConflict.
func (st *Store) Update(ctx context.Context, owner, id string, change func(*Search) error) (Search, error) {
	s, err := st.Get(ctx, owner, id)
	if err != nil {
		return Search{}, err
	}
	if err := change(&s); err != nil {
		return Search{}, err
	}
	s.ID, s.Owner = id, owner
	if err := st.check(ctx, &s); err != nil {
		return Search{}, err
	}
	s.Updated = st.now().UTC()
	rev, err := st.kv.Update(ctx, searchKey(id), mustJSON(s), s.Revision)
	if isConflict(err) {
		return Search{}, ErrConflict
	}
	if err != nil {
		return Search{}, fmt.Errorf("update search %s: %w", id, err)
	}
	s.Revision = rev
	return s, nil
}

// Subscribe sets or (with a nil sub) ends the search's digest. A new
// subscription reports what is published from now on.
func (st *Store) Subscribe(ctx context.Context, owner, id string, sub *Subscription, offered func(receiver string) (email bool, ok bool)) (Search, error) {
	if sub != nil {
		isEmail, ok := offered(sub.Receiver)
		if !ok {
			return Search{}, &FieldError{Field: "receiver", Code: CodeReceiver}
		}
		sub.To = strings.TrimSpace(sub.To)
		if !isEmail {
			sub.To = ""
		} else if a, err := mail.ParseAddress(sub.To); err != nil || a.Address != sub.To {
			return Search{}, &FieldError{Field: "to", Code: CodeAddress}
		}
	}
	return st.Update(ctx, owner, id, func(s *Search) error {
		if sub != nil {
			sub.Since = st.now().UTC()
			if s.Subscription != nil && s.Subscription.Receiver == sub.Receiver && s.Subscription.To == sub.To {
				sub.Since = s.Subscription.Since // unchanged: keep its history
			}
		}
		s.Subscription = sub
		return nil
	})
}

// Delete removes owner's search id and its digest state.
func (st *Store) Delete(ctx context.Context, owner, id string) error {
	if _, err := st.Get(ctx, owner, id); err != nil {
		return err
	}
	if err := st.kv.Purge(ctx, searchKey(id)); err != nil {
		return fmt.Errorf("delete search %s: %w", id, err)
	}
	if err := st.kv.Purge(ctx, digestKey(id)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("delete digest state of %s: %w", id, err)
	}
	return nil
}

// List returns owner's searches by name; an empty owner lists everyone's.
func (st *Store) List(ctx context.Context, owner string) ([]Search, error) {
	lister, err := st.kv.ListKeysFiltered(ctx, "search.>")
	if err != nil {
		return nil, fmt.Errorf("list saved searches: %w", err)
	}
	var out []Search
	for k := range lister.Keys() {
		s, err := st.Get(ctx, owner, strings.TrimPrefix(k, "search."))
		if errors.Is(err, ErrNotFound) {
			continue // someone else's, or removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Search) int { return strings.Compare(textnorm.Fold(a.Name), textnorm.Fold(b.Name)) })
	return out, nil
}

// isConflict recognises a compare-and-set that lost: the key exists
// already (Create), or is no longer at the expected revision (Update;
// 10071, or 10164 from a replicated bucket).
func isConflict(err error) bool {
	var apiErr *jetstream.APIError
	return errors.Is(err, jetstream.ErrKeyExists) || errors.As(err, &apiErr) &&
		(apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return b
}
