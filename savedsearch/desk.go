package savedsearch

import (
	"context"
	"errors"
	"time"
)

// Receiver is a receiver a subscription may choose: an email one needs
// an address, a chat one sends to its own chat.
type Receiver struct {
	Name  string `json:"name"`
	Email bool   `json:"email"`
}

// Desk is what the web API and pages use: the store for one owner at a
// time, the receivers on offer, and the digest to send now.
type Desk struct {
	Store   *Store
	Digest  *Digester // nil: digests are not sent from here
	Offered []Receiver
	Now     func() time.Time
}

func (d *Desk) List(ctx context.Context, owner string) ([]Search, error) {
	return d.Store.List(ctx, owner)
}

func (d *Desk) Create(ctx context.Context, s Search) (Search, error) { return d.Store.Create(ctx, s) }

// Rename changes the name of owner's search id.
func (d *Desk) Rename(ctx context.Context, owner, id, name string) (Search, error) {
	return d.Store.Update(ctx, owner, id, func(s *Search) error { s.Name = name; return nil })
}

// Subscribe sets (or, nil, ends) the search's digest through one of the
// offered receivers.
func (d *Desk) Subscribe(ctx context.Context, owner, id string, sub *Subscription) (Search, error) {
	return d.Store.Subscribe(ctx, owner, id, sub, func(name string) (bool, bool) {
		for _, r := range d.Offered {
			if r.Name == name {
				return r.Email, true
			}
		}
		return false, false
	})
}

func (d *Desk) Delete(ctx context.Context, owner, id string) error {
	return d.Store.Delete(ctx, owner, id)
}

// Receivers are the receivers on offer.
func (d *Desk) Receivers() []Receiver { return d.Offered }

// SendDigests runs the digest now, as the daily schedule does.
func (d *Desk) SendDigests(ctx context.Context) (int, error) {
	if d.Digest == nil {
		return 0, errors.New("saved search digests are not sent from this process")
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	return d.Digest.Run(ctx, now())
}
