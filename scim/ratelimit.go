package scim

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/scimd/scimd/storage"
)

// maxRateBuckets bounds the rate limiter's map. Past it, buckets idle long
// enough to have refilled are dropped first (forgetting them changes
// nothing), then arbitrary ones (which only makes their credentials'
// next requests more lenient).
const maxRateBuckets = 10000

// A rateLimiter is a token bucket per credential (tenant and credential
// ID), in this process.
type rateLimiter struct {
	limit rate.Limit
	burst int
	// idle is how long a bucket takes to refill from empty: an entry idle
	// that long is the same as a new one.
	idle time.Duration

	mu      sync.Mutex
	buckets map[bucketKey]*bucket
}

type bucketKey struct {
	tenant storage.TenantID
	cred   string
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	burst = max(burst, 1)
	return &rateLimiter{
		limit:   rate.Limit(perSecond),
		burst:   burst,
		idle:    time.Duration(float64(burst) / perSecond * float64(time.Second)),
		buckets: make(map[bucketKey]*bucket),
	}
}

// allow takes a token from the credential's bucket. When there is none it
// sets Retry-After, in whole seconds, and returns the 429 Too Many
// Requests error to answer.
func (l *rateLimiter) allow(w http.ResponseWriter, tenant storage.TenantID, cred string) error {
	now := time.Now()
	wait, ok := l.take(bucketKey{tenant, cred}, now)
	if ok {
		return nil
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return errorf(http.StatusTooManyRequests, "",
		"too many requests: this credential may make "+strconv.FormatFloat(float64(l.limit), 'g', -1, 64)+
			" requests per second (bursts of "+strconv.Itoa(l.burst)+"); retry after "+strconv.Itoa(secs)+" s")
}

// take reserves a token at now, or says how long until one is free.
func (l *rateLimiter) take(k bucketKey, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[k]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[k] = b
	}
	b.last = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// makeRoom keeps the map under maxRateBuckets; l.mu is held.
func (l *rateLimiter) makeRoom(now time.Time) {
	if len(l.buckets) < maxRateBuckets {
		return
	}
	for k, b := range l.buckets {
		if now.Sub(b.last) > l.idle {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < maxRateBuckets {
			break
		}
		delete(l.buckets, k)
	}
}
