// Package cache is the cache-aside layer of the query side. It wraps the store's read ports
// (Repositories) so that reads are answered from a cache server when they can be, and from the
// store otherwise; the technology packages (redis, memcached) implement its Store.
//
// A cache never fails a request: every error of the cache server, a timeout included, is
// counted and logged (rate-limited), and the read goes to the store. Each operation on the
// cache server is bounded by CACHE_TIMEOUT, so a hung server costs a request that much at
// most. Concurrent misses of one key share one read of the store (singleflight).
//
// Values come in two kinds:
//
//   - Immutable values (Lookup): once stored they never change, so a cached copy is correct
//     for as long as it lives. Only values that were found are cached, never "not found".
//   - Changing values (Fresh, Invalidate): guarded by a generation per key. A writer renews
//     the generation after its commit; a reader caches what it read from the store under the
//     generation it saw before that read, with the time it started it. A copy is served only
//     under the current generation and while younger than its maxAge; see Fresh for why this
//     is race-free, and Invalidate for what happens when the cache server cannot be reached.
package cache

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Store is a cache server: redis, memcached, or the fake of the tests.
type Store interface {
	// Get returns the values of the keys that are present; a missing key is absent from the
	// map, which is not an error.
	Get(ctx context.Context, keys ...string) (map[string][]byte, error)
	// Set stores value under key for ttl; a zero ttl keeps it until the server evicts it.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Add stores value under key only if the key is absent; a present key is not an error.
	Add(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Ping checks that the server answers.
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error
}

// keyVersion is part of every key: bump it when the encoding of a cached value changes, so a
// new release never reads the entries of an old one.
const keyVersion = "v1"

// warnEvery is the least time between two warnings about cache errors; the errors between
// them are logged at debug level and counted.
const warnEvery = 10 * time.Second

// Cache is the cache-aside core over a Store. It is a lifecycle component: Start checks the
// server (an unreachable one is only a warning: the service works without it) and Stop
// closes the connections.
type Cache struct {
	name    string
	store   Store
	cfg     Config
	logger  *slog.Logger
	flights singleflight.Group
	now     func() time.Time

	stats    stats
	lastWarn atomic.Int64
	skipped  atomic.Int64
}

// New returns the cache named name (it names the component, the logs and the metrics) over
// store.
func New(name string, store Store, cfg Config, logger *slog.Logger) *Cache {
	return &Cache{
		name:   name,
		store:  store,
		cfg:    cfg,
		logger: logger.With(slog.String("cache", name)),
		now:    time.Now,
		stats:  newStats(),
	}
}

// Config returns the configuration of the cache.
func (c *Cache) Config() Config { return c.cfg }

// Name identifies the cache as a lifecycle component.
func (c *Cache) Name() string { return c.name }

// Start checks that the cache server answers. It never fails: without the server every read
// goes to the store until it is back.
func (c *Cache) Start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	if err := c.store.Ping(ctx); err != nil {
		c.logger.WarnContext(ctx, "cache server unreachable at start; reads go to the store until it answers",
			slog.Any("error", err))
	}
	return nil
}

// Stop closes the connections to the cache server.
func (c *Cache) Stop(context.Context) error {
	if err := c.store.Close(); err != nil {
		return fmt.Errorf("close %s: %w", c.name, err)
	}
	return nil
}

// Stats returns the counts of lookups and errors since the cache was made.
func (c *Cache) Stats() Stats { return c.stats.snapshot() }

// Lookup returns the immutable value of kind (a label of the metrics, e.g. "account") under
// key, from the cache or else from load, whose value is then cached for ttl. Errors of load
// (a value not found, say) are returned and never cached.
func Lookup[T any](ctx context.Context, c *Cache, kind, key string, ttl time.Duration,
	load func(context.Context) (T, error),
) (T, error) {
	key = c.key(key)
	values, err := c.get(ctx, key)
	if err != nil {
		c.stats.lookup(kind, resultBypass)
		return load(ctx)
	}
	if raw, ok := values[key]; ok {
		if v, ok := decode[T](ctx, c, key, raw); ok {
			c.stats.lookup(kind, resultHit)
			return v, nil
		}
	}
	c.stats.lookup(kind, resultMiss)
	return share(ctx, c, key, func(ctx context.Context) (T, error) {
		v, err := load(ctx)
		if err == nil {
			c.set(ctx, key, v, ttl)
		}
		return v, err
	})
}

// decode unmarshals the cached value under key. A value that does not decode (written by
// an incompatible release, say) counts as a decode failure and is treated as a miss.
func decode[T any](ctx context.Context, c *Cache, key string, raw []byte) (T, bool) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		c.fail(ctx, opDecode, fmt.Errorf("decode %s: %w", key, err))
		return v, false
	}
	return v, true
}

// entry is a cached changing value: the generation it was cached under, and the time the
// read of the store that produced it started, in Unix nanoseconds.
type entry struct {
	Generation string          `json:"g"`
	ReadAt     int64           `json:"t"`
	Value      json.RawMessage `json:"v"`
}

// Fresh returns the changing value of kind under key, from the cache or else from load. A
// cached copy is served only if it was cached under the key's current generation and its
// read of the store started less than maxAge ago.
//
// Why a copy is never older than the last Invalidate of key that completed before Fresh
// began: the generation is read (in the same round trip as the copy) before the store, and a
// copy is stored under the generation read before it. An Invalidate that completed gave the
// key a new random generation, so every copy under an older one is refused, including one
// stored late by a reader that had read the store before the commit; a copy under the new
// generation comes from a read that began after the generation was renewed, hence after the
// commit. Concurrent misses share one read of the store only under the same generation.
// When the generation is missing (never set, or evicted), Fresh sets a random one and reads
// the store without caching; when the cache fails, it reads the store.
func Fresh[T any](ctx context.Context, c *Cache, kind, key string, maxAge time.Duration,
	load func(context.Context) (T, error),
) (T, error) {
	key = c.key(key)
	genKey := key + "#gen"
	values, err := c.get(ctx, genKey, key)
	if err != nil {
		c.stats.lookup(kind, resultBypass)
		return load(ctx)
	}
	gen, ok := values[genKey]
	if !ok {
		c.stats.lookup(kind, resultBypass)
		if err := c.withTimeout(ctx, func(ctx context.Context) error {
			return c.store.Add(ctx, genKey, []byte(newGeneration()), 0)
		}); err != nil {
			c.fail(ctx, opAdd, err)
		}
		return load(ctx)
	}
	if raw, ok := values[key]; ok {
		if v, ok := c.decodeEntry(ctx, key, raw, string(gen), maxAge); ok {
			if out, ok := decode[T](ctx, c, key, v); ok {
				c.stats.lookup(kind, resultHit)
				return out, nil
			}
		}
	}
	c.stats.lookup(kind, resultMiss)
	return share(ctx, c, key+"@"+string(gen), func(ctx context.Context) (T, error) {
		readAt := c.now()
		v, err := load(ctx)
		if err != nil {
			return v, err
		}
		raw, err := json.Marshal(v)
		if err != nil {
			c.fail(ctx, opEncode, fmt.Errorf("encode %s: %w", key, err))
			return v, nil
		}
		c.set(ctx, key, entry{Generation: string(gen), ReadAt: readAt.UnixNano(), Value: raw}, maxAge)
		return v, nil
	})
}

// decodeEntry returns the value of a cached entry if it is under generation gen and younger
// than maxAge.
func (c *Cache) decodeEntry(ctx context.Context, key string, raw []byte, gen string, maxAge time.Duration) (json.RawMessage, bool) {
	var e entry
	if err := json.Unmarshal(raw, &e); err != nil {
		c.fail(ctx, opDecode, fmt.Errorf("decode %s: %w", key, err))
		return nil, false
	}
	if e.Generation != gen || c.now().Sub(time.Unix(0, e.ReadAt)) >= maxAge {
		return nil, false
	}
	return e.Value, true
}

// Invalidate renews the generations of the changing values under keys, after their new state
// was committed, so that no copy cached before is served again (see Fresh). It never fails.
//
// If a generation cannot be renewed (the cache server is down or too slow), Invalidate
// returns only once maxAge has passed since it was called: by then every copy that the
// commit made stale is refused by its age, on every replica, whatever the cache server does
// when it comes back. The caller therefore answers its client only when no stale copy can
// be served any more; the price, during a cache outage, is maxAge of extra latency on writes.
func (c *Cache) Invalidate(ctx context.Context, maxAge time.Duration, keys ...string) {
	started := c.now()
	ctx = context.WithoutCancel(ctx)
	failed := false
	for _, key := range keys {
		genKey := c.key(key) + "#gen"
		if err := c.withTimeout(ctx, func(ctx context.Context) error {
			return c.store.Set(ctx, genKey, []byte(newGeneration()), 0)
		}); err != nil {
			c.fail(ctx, opInvalidate, err)
			failed = true
		}
	}
	if !failed {
		return
	}
	if wait := maxAge - c.now().Sub(started); wait > 0 {
		time.Sleep(wait)
	}
}

// share runs load once for concurrent callers with the same flight key; each caller waits
// only as long as its own context allows. The shared load runs without the first caller's
// cancellation, bounded by the store's own timeouts.
func share[T any](ctx context.Context, c *Cache, flight string, load func(context.Context) (T, error)) (T, error) {
	shared := context.WithoutCancel(ctx)
	ch := c.flights.DoChan(flight, func() (any, error) {
		return load(shared)
	})
	select {
	case r := <-ch:
		v, _ := r.Val.(T)
		return v, r.Err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("wait for %s: %w", flight, ctx.Err())
	}
}

func (c *Cache) key(key string) string {
	return c.cfg.Prefix + keyVersion + ":" + key
}

func (c *Cache) get(ctx context.Context, keys ...string) (map[string][]byte, error) {
	var values map[string][]byte
	err := c.withTimeout(ctx, func(ctx context.Context) error {
		var err error
		values, err = c.store.Get(ctx, keys...)
		return err
	})
	if err != nil {
		c.fail(ctx, opGet, err)
	}
	return values, err
}

// set caches v under key for ttl, after the read that produced it; a failure only counts.
func (c *Cache) set(ctx context.Context, key string, v any, ttl time.Duration) {
	raw, err := json.Marshal(v)
	if err != nil {
		c.fail(ctx, opEncode, fmt.Errorf("encode %s: %w", key, err))
		return
	}
	if err := c.withTimeout(context.WithoutCancel(ctx), func(ctx context.Context) error {
		return c.store.Set(ctx, key, raw, ttl)
	}); err != nil {
		c.fail(ctx, opSet, err)
	}
}

func (c *Cache) withTimeout(ctx context.Context, op func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	return op(ctx)
}

// fail counts an error of the cache and logs it: a warning at most every warnEvery, with the
// number of errors since the last one, and the rest at debug level.
func (c *Cache) fail(ctx context.Context, op string, err error) {
	c.stats.fail(op)
	now := c.now()
	last := c.lastWarn.Load()
	if now.UnixNano()-last >= int64(warnEvery) && c.lastWarn.CompareAndSwap(last, now.UnixNano()) {
		c.logger.WarnContext(ctx, "cache error; reading from the store",
			slog.String("operation", op), slog.Any("error", err), slog.Int64("errors_not_logged", c.skipped.Swap(0)))
		return
	}
	c.skipped.Add(1)
	c.logger.DebugContext(ctx, "cache error; reading from the store", slog.String("operation", op), slog.Any("error", err))
}

// newGeneration returns a random generation, so that a renewed or re-created generation never
// equals one that copies may still be cached under.
func newGeneration() string {
	return rand.Text()
}

// Operations on the cache, as counted by Stats.Errors.
const (
	opGet        = "get"
	opSet        = "set"
	opAdd        = "add"
	opInvalidate = "invalidate"
	opEncode     = "encode"
	opDecode     = "decode"
)

// Results of a lookup, as counted by Stats.Lookups.
const (
	resultHit    = "hit"
	resultMiss   = "miss"
	resultBypass = "bypass"
)

// Stats are the counts of a cache since it was made.
type Stats struct {
	// Lookups counts the lookups by kind of value, then by result: hit (served from the
	// cache), miss (read from the store, then cached) or bypass (read from the store without
	// the cache, which failed or had no generation yet).
	Lookups map[string]map[string]uint64
	// Errors counts the failed operations on the cache server by operation: get, set, add,
	// invalidate, encode or decode.
	Errors map[string]uint64
}

type stats struct {
	mu      sync.Mutex
	lookups map[string]map[string]uint64
	errors  map[string]uint64
}

func newStats() stats {
	return stats{lookups: map[string]map[string]uint64{}, errors: map[string]uint64{}}
}

func (s *stats) lookup(kind, result string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byResult, ok := s.lookups[kind]
	if !ok {
		byResult = map[string]uint64{}
		s.lookups[kind] = byResult
	}
	byResult[result]++
}

func (s *stats) fail(op string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors[op]++
}

func (s *stats) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Lookups: make(map[string]map[string]uint64, len(s.lookups)), Errors: make(map[string]uint64, len(s.errors))}
	for kind, byResult := range s.lookups {
		out.Lookups[kind] = maps.Clone(byResult)
	}
	maps.Copy(out.Errors, s.errors)
	return out
}
