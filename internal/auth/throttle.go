package auth

import (
	"sync"
	"time"
)

// Throttle counts sign-in attempts per key (an account or an IP address) in a sliding window and
// says how long a key must wait once it has failed too often.
type Throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  map[string][]time.Time
	now    func() time.Time
}

// NewThrottle allows limit failures per window for each key.
func NewThrottle(limit int, window time.Duration) *Throttle {
	return &Throttle{limit: limit, window: window, fails: map[string][]time.Time{}, now: time.Now}
}

// Reserve counts an attempt for key before it is checked, so that concurrent attempts cannot
// all slip under the limit while the slow password check runs. It returns how long key must
// wait instead, counting nothing, when it is over the limit. A successful attempt is taken back
// with Reset (for an account) or Refund (for an address).
func (t *Throttle) Reserve(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.prune(key)
	if len(recent) >= t.limit {
		return recent[len(recent)-t.limit].Add(t.window).Sub(t.now())
	}
	t.fails[key] = append(recent, t.now())
	if len(t.fails) > 100_000 {
		t.sweep()
	}
	return 0
}

// Refund takes back the latest attempt counted for key.
func (t *Throttle) Refund(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if list := t.fails[key]; len(list) > 0 {
		t.fails[key] = list[:len(list)-1]
	}
}

// Reset forgets every attempt counted for key, after a successful sign-in.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}

func (t *Throttle) prune(key string) []time.Time {
	cut := t.now().Add(-t.window)
	list := t.fails[key]
	i := 0
	for i < len(list) && !list[i].After(cut) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(t.fails, key)
		return nil
	}
	t.fails[key] = list
	return list
}

func (t *Throttle) sweep() {
	for k := range t.fails {
		t.prune(k)
	}
}
