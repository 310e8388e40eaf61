package scim

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRateLimiterBuckets checks the token bucket of one credential and
// that the map of buckets stays bounded: idle buckets go first, and a full
// map of busy ones still takes a new credential.
func TestRateLimiterBuckets(t *testing.T) {
	l := newRateLimiter(1, 2)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := bucketKey{"t", "c"}
	for i := range 2 {
		if _, ok := l.take(k, now); !ok {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	wait, ok := l.take(k, now)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("3rd request: ok %v, wait %v; want refused with a wait of at most 1s", ok, wait)
	}
	if _, ok := l.take(bucketKey{"t", "other"}, now); !ok {
		t.Fatal("another credential refused")
	}
	if _, ok := l.take(k, now.Add(time.Second)); !ok {
		t.Fatal("a request a second later refused")
	}

	for i := range maxRateBuckets {
		l.take(bucketKey{"t", strconv.Itoa(i)}, now)
	}
	if n := len(l.buckets); n > maxRateBuckets {
		t.Fatalf("%d buckets, more than %d", n, maxRateBuckets)
	}
	l.take(bucketKey{"t", "busy"}, now)
	if n := len(l.buckets); n > maxRateBuckets {
		t.Fatalf("%d buckets after a new credential on a full map, more than %d", n, maxRateBuckets)
	}
	// Every bucket has refilled 4s later: a new credential sweeps them all.
	l.take(bucketKey{"t", "late"}, now.Add(4*time.Second))
	if n := len(l.buckets); n != 1 {
		t.Fatalf("%d buckets after the idle ones were swept, want 1", n)
	}
}

// TestRateLimiterRetryAfter checks the 429: Retry-After in whole seconds,
// at least 1, and a SCIM error body.
func TestRateLimiterRetryAfter(t *testing.T) {
	l := newRateLimiter(0.01, 1)
	if err := l.allow(httptest.NewRecorder(), "t", "c"); err != nil {
		t.Fatalf("first request refused: %v", err)
	}
	w := httptest.NewRecorder()
	err := l.allow(w, "t", "c")
	if err == nil {
		t.Fatal("second request allowed")
	}
	h := &Handler{log: slog.New(slog.DiscardHandler)}
	h.writeError(w, httptest.NewRequest(http.MethodGet, "/", nil), err)
	if w.Code != 429 {
		t.Errorf("status %d, want 429", w.Code)
	}
	if secs, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || secs < 1 || secs > 100 {
		t.Errorf("Retry-After %q, want whole seconds from 1 to 100", w.Header().Get("Retry-After"))
	}
	if body := w.Body.String(); !strings.Contains(body, `"status":"429"`) || !strings.Contains(body, "0.01 requests per second") {
		t.Errorf("body %s", body)
	}
}
