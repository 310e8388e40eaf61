package scimtest

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// RunHTTPConcurrencyTests runs the concurrency subtests of RunHTTPTests
// (ConcurrentCreate, ConcurrentMemberAdds, ConcurrentIfMatch) alone, with
// the same expectations. With a Target whose Client spreads requests over
// several servers on one database (see RoundRobin), it checks that racing
// writers on different processes leave what a serial run would.
func RunHTTPConcurrencyTests(t *testing.T, newTarget func(t *testing.T) Target) {
	tests := []struct {
		name string
		run  func(t *testing.T, tg Target)
	}{
		{"ConcurrentCreate", httpTestConcurrentCreate},
		{"ConcurrentMemberAdds", httpTestConcurrentMemberAdds},
		{"ConcurrentIfMatch", httpTestConcurrentIfMatch},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) { test.run(t, newTarget(t)) })
	}
}

// A RoundRobin is an http.RoundTripper that sends each request to the next
// of several servers in turn, replacing the scheme and host of the
// request's URL with the server's (paths stay as they are). Next does the
// sending; nil means http.DefaultTransport. Servers holds base URLs such as
// "http://127.0.0.1:8080".
type RoundRobin struct {
	Servers []string
	Next    http.RoundTripper

	n     atomic.Uint64
	count []atomic.Int64
}

// NewRoundRobin returns a RoundRobin over servers.
func NewRoundRobin(servers ...string) *RoundRobin {
	return &RoundRobin{Servers: servers, count: make([]atomic.Int64, len(servers))}
}

// RoundTrip sends req to the next server.
func (rr *RoundRobin) RoundTrip(req *http.Request) (*http.Response, error) {
	i := int((rr.n.Add(1) - 1) % uint64(len(rr.Servers)))
	u, err := url.Parse(strings.TrimSuffix(rr.Servers[i], "/"))
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	rr.count[i].Add(1)
	next := rr.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// Sent returns how many requests went to each server, in the order of
// Servers.
func (rr *RoundRobin) Sent() []int64 {
	out := make([]int64, len(rr.count))
	for i := range rr.count {
		out[i] = rr.count[i].Load()
	}
	return out
}
