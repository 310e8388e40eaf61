package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// errDone is returned by an op when its workload has no more work (W10
// runs out of victims); the worker stops without counting an error.
var errDone = errors.New("no more work")

// A worker is one closed-loop client: it runs an op, waits for it, and runs
// the next.
type worker struct {
	id   int
	rng  *rand.Rand
	c    *client
	buf  bytes.Buffer // the last response body
	sent int          // HTTP requests sent, measured or not
	seq  int          // for ops that number their requests
}

// An op is one operation of a workload. It returns the latency to record:
// usually that of its one request, but an op may send requests it does not
// measure (W8 removes the member it added).
type op func(ctx context.Context, w *worker) (time.Duration, error)

// stats are the results of one closed-loop run.
type stats struct {
	ops       int
	sent      int // HTTP requests, including unmeasured ones
	errors    int
	firstErr  error
	elapsed   time.Duration
	latencies []time.Duration // sorted
}

func (s stats) rate() float64 {
	if s.elapsed <= 0 {
		return 0
	}
	return float64(s.ops) / s.elapsed.Seconds()
}

func (s stats) percentile(p float64) time.Duration {
	if len(s.latencies) == 0 {
		return 0
	}
	k := int(p * float64(len(s.latencies)-1))
	return s.latencies[k]
}

// A loop runs ops closed-loop on conc workers for a fixed duration.
type loop struct {
	conc     int
	duration time.Duration
	seed     uint64
	client   *client
}

// run runs op until the duration is over or every worker got errDone.
// Latencies of ops that end after the duration are still recorded: a
// closed loop waits for its last request.
func (l loop) run(ctx context.Context, o op) stats {
	var (
		mu  sync.Mutex
		all stats
		wg  sync.WaitGroup
	)
	var stop atomic.Bool
	start := time.Now()
	deadline := start.Add(l.duration)
	for k := range l.conc {
		wg.Go(func() {
			w := &worker{id: k, rng: rand.New(rand.NewPCG(l.seed, uint64(k))), c: l.client}
			var own stats
			for !stop.Load() && time.Now().Before(deadline) && ctx.Err() == nil {
				lat, err := o(ctx, w)
				if errors.Is(err, errDone) {
					break
				}
				own.ops++
				if err != nil {
					own.errors++
					if own.firstErr == nil {
						own.firstErr = err
					}
					continue
				}
				own.latencies = append(own.latencies, lat)
			}
			mu.Lock()
			defer mu.Unlock()
			all.ops += own.ops
			all.sent += w.sent
			all.errors += own.errors
			if all.firstErr == nil {
				all.firstErr = own.firstErr
			}
			all.latencies = append(all.latencies, own.latencies...)
		})
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	slices.Sort(all.latencies)
	return all
}

// A client sends SCIM requests of one tenant.
type client struct {
	http  *http.Client
	base  string // http://127.0.0.1:PORT/tenants/NAME/scim/v2
	token string
}

func newClient(addr, tenant, token string, conns int) *client {
	tr := &http.Transport{
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &client{
		http:  &http.Client{Transport: tr, Timeout: 2 * time.Minute},
		base:  "http://" + addr + "/tenants/" + tenant + "/scim/v2",
		token: token,
	}
}

// statusError is an unexpected HTTP status.
type statusError struct {
	method, path string
	got, want    int
	body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d, want %d: %s", e.method, e.path, e.got, e.want, e.body)
}

// do sends one request, reads the whole response into w.buf and returns
// its latency (until the body is read). A status other than want is an
// error.
func (w *worker) do(ctx context.Context, method, path string, body []byte, want int) (time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+w.c.token)
	req.Header.Set("Accept", "application/scim+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	w.sent++
	start := time.Now()
	resp, err := w.c.http.Do(req)
	if err != nil {
		return 0, err
	}
	w.buf.Reset()
	_, err = w.buf.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	lat := time.Since(start)
	if err != nil {
		return lat, fmt.Errorf("%s %s: read the response: %w", method, path, err)
	}
	if resp.StatusCode != want {
		b := w.buf.String()
		if len(b) > 300 {
			b = b[:300] + "…"
		}
		return lat, &statusError{method: method, path: path, got: resp.StatusCode, want: want, body: b}
	}
	return lat, nil
}
