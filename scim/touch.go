package scim

import (
	"sync"
	"time"
)

// touchInterval is how often at most a credential's use is recorded in the
// store (storage.Store.TouchCredential).
const touchInterval = time.Minute

// maxTouched bounds the map of a touchLog. Past it, an arbitrary entry is
// dropped, which only makes its credential's next use recorded again.
const maxTouched = 10000

// A touchLog remembers when each credential's use was last recorded in
// this process, so that a busy credential is written at most once per
// interval. An entry older than the interval says nothing (the next use is
// recorded anyway), so such entries are swept once per interval: the map
// holds the credentials recorded in the last two intervals, and never more
// than max of them.
type touchLog struct {
	interval time.Duration
	max      int

	mu    sync.Mutex
	last  map[string]time.Time // credential ID → last recorded use
	swept time.Time
}

func newTouchLog(interval time.Duration, max int) *touchLog {
	return &touchLog{interval: interval, max: max, last: make(map[string]time.Time)}
}

// due reports whether the use of credential id at now is to be recorded,
// and if so notes it as recorded.
func (l *touchLog) due(id string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if last, ok := l.last[id]; ok && now.Sub(last) <= l.interval {
		return false
	}
	if now.Sub(l.swept) > l.interval {
		l.swept = now
		for k, t := range l.last {
			if now.Sub(t) > l.interval {
				delete(l.last, k)
			}
		}
	}
	if _, ok := l.last[id]; !ok {
		for k := range l.last {
			if len(l.last) < l.max {
				break
			}
			delete(l.last, k)
		}
	}
	l.last[id] = now
	return true
}
