package auth

import (
	"sync"
	"time"
)

// Throttle counts failed sign-ins per key (an account or an IP address) in a sliding window and
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

// Wait is how long key must wait before trying again; zero when it may try now.
func (t *Throttle) Wait(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.prune(key)
	if len(recent) < t.limit {
		return 0
	}
	return recent[len(recent)-t.limit].Add(t.window).Sub(t.now())
}

// Fail records a failure for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[key] = append(t.prune(key), t.now())
	if len(t.fails) > 100_000 {
		t.sweep()
	}
}

// Reset forgets key's failures, after a successful sign-in.
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
