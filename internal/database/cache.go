package database

import (
	"sync"
	"time"
)

// Cache keeps values computed from the database. An entry is served only while no committed
// write has touched the tables it was computed from, and, when a lifetime is set, while it is
// younger than that (for values that depend on the clock, such as "the last 7 days").
// Values are shared between callers and must not be modified.
type Cache[K comparable, V any] struct {
	db     *DB
	tables []string
	ttl    time.Duration
	max    int
	mu     sync.RWMutex
	m      map[K]cacheEntry[V]
}

type cacheEntry[V any] struct {
	v       V
	version uint64
	at      time.Time
}

// NewCache returns a cache of at most max entries over the given tables; ttl 0 means entries
// live until those tables change.
func NewCache[K comparable, V any](db *DB, max int, ttl time.Duration, tables ...string) *Cache[K, V] {
	return &Cache[K, V]{db: db, tables: tables, ttl: ttl, max: max, m: map[K]cacheEntry[V]{}}
}

// Get returns the cached value for key, or loads, stores and returns it. Errors are not cached.
func (c *Cache[K, V]) Get(key K, load func() (V, error)) (V, error) {
	// The version is read before loading: a write that lands during the load makes the entry
	// stale at once rather than letting it hide the write.
	version := c.db.Version(c.tables...)
	now := time.Now()
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if ok && e.version == version && (c.ttl == 0 || now.Sub(e.at) < c.ttl) {
		return e.v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = cacheEntry[V]{v: v, version: version, at: now}
	c.mu.Unlock()
	return v, nil
}
