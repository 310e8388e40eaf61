package scim

import (
	"strconv"
	"testing"
	"time"
)

// TestTouchLog checks that a credential's use is recorded at most once per
// interval and that the map of last uses stays bounded: entries older than
// the interval are swept, and a full map of recent ones drops one for a new
// credential.
func TestTouchLog(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newTouchLog(time.Minute, 8)
	for _, tc := range []struct {
		after time.Duration
		want  bool
	}{{0, true}, {time.Second, false}, {time.Minute, false}, {time.Minute + time.Second, true}, {time.Minute + 2*time.Second, false}} {
		if got := l.due("c", t0.Add(tc.after)); got != tc.want {
			t.Fatalf("use after %v: due %v, want %v", tc.after, got, tc.want)
		}
	}

	// More credentials than the map holds, all within one interval: each
	// first use is recorded, and the map never exceeds its bound.
	l = newTouchLog(time.Minute, 8)
	for i := range 20 {
		if !l.due(strconv.Itoa(i), t0) {
			t.Fatalf("first use of credential %d not recorded", i)
		}
		if n := len(l.last); n > 8 {
			t.Fatalf("%d entries after %d credentials, more than 8", n, i+1)
		}
	}
	// A credential already in a full map takes no other's place.
	for k := range l.last {
		l.due(k, t0.Add(30*time.Second))
		break
	}
	if n := len(l.last); n != 8 {
		t.Fatalf("%d entries after a known credential's use, want 8", n)
	}

	// Entries older than the interval are swept even below the bound:
	// revoked or idle credentials do not stay.
	l = newTouchLog(time.Minute, 100)
	for i := range 50 {
		l.due(strconv.Itoa(i), t0)
	}
	l.due("late", t0.Add(2*time.Minute))
	if n := len(l.last); n != 1 {
		t.Fatalf("%d entries after the stale ones were swept, want 1", n)
	}
}
