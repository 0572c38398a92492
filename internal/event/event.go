// Package event carries live notifications — runs, activity, metrics, data changes — from the
// code that commits them to the Server-Sent Events streams of browsers and API clients.
package event

import (
	"sync"
	"sync/atomic"
)

// Event is one notification about one campaign.
type Event struct {
	// Type is the stream's event name, such as "activity.created".
	Type string
	// CampaignID is the campaign the event belongs to; subscribers only ever see their own.
	CampaignID string
	// Data is marshalled to JSON as the event's payload.
	Data any
}

// subscriberBuffer is how many events a slow subscriber may fall behind before it loses some.
const subscriberBuffer = 64

// Broker fans events out to the subscribers of each campaign. The zero value is not usable;
// call NewBroker.
type Broker struct {
	mu      sync.RWMutex
	subs    map[string]map[*Subscription]struct{}
	dropped atomic.Int64
}

// NewBroker returns an empty broker.
func NewBroker() *Broker {
	return &Broker{subs: make(map[string]map[*Subscription]struct{})}
}

// Subscription receives the events of one campaign until Close.
type Subscription struct {
	C          <-chan Event
	ch         chan Event
	campaignID string
	broker     *Broker
	once       sync.Once
}

// Subscribe starts receiving the events of one campaign.
func (b *Broker) Subscribe(campaignID string) *Subscription {
	ch := make(chan Event, subscriberBuffer)
	s := &Subscription{C: ch, ch: ch, campaignID: campaignID, broker: b}
	b.mu.Lock()
	if b.subs[campaignID] == nil {
		b.subs[campaignID] = make(map[*Subscription]struct{})
	}
	b.subs[campaignID][s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Close stops the subscription and closes its channel. It is safe to call more than once.
func (s *Subscription) Close() {
	s.once.Do(func() {
		b := s.broker
		b.mu.Lock()
		delete(b.subs[s.campaignID], s)
		if len(b.subs[s.campaignID]) == 0 {
			delete(b.subs, s.campaignID)
		}
		close(s.ch)
		b.mu.Unlock()
	})
}

// Publish delivers e to every subscriber of its campaign without blocking: a subscriber whose
// buffer is full misses the event rather than stalling the writer.
func (b *Broker) Publish(e Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for s := range b.subs[e.CampaignID] {
		select {
		case s.ch <- e:
		default:
			b.dropped.Add(1)
		}
	}
}

// Subscribers counts the open subscriptions of a campaign.
func (b *Broker) Subscribers(campaignID string) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs[campaignID])
}

// Dropped counts events lost to slow subscribers since start.
func (b *Broker) Dropped() int64 { return b.dropped.Load() }
