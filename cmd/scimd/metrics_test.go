package main

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage/sqlite"
)

// metricsTenant is the tenant of the metrics tests: a name no label may
// carry.
const metricsTenant = "metrics-tenant-zq7"

// newMetricsServer serves newHandler over HTTP on a fresh SQLite database
// with the tenant metricsTenant, and returns the server and the tenant's
// bearer token.
func newMetricsServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	token, err := createTenantWithToken(t.Context(), store, metricsTenant)
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(store, discardLogger(), scim.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, token
}

// do sends a request to srv and returns the status code and body.
func do(t *testing.T, srv *httptest.Server, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// scrape gets /metrics from srv and returns its text and metric families.
func scrape(t *testing.T, srv *httptest.Server) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	code, text := do(t, srv, http.MethodGet, "/metrics", "", "")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d %q", code, text)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, text)
	}
	return text, families
}

// labelValues returns the values of a label among the family's metrics.
func labelValues(f *dto.MetricFamily, label string) []string {
	var vs []string
	if f == nil {
		return nil
	}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label && !slices.Contains(vs, l.GetValue()) {
				vs = append(vs, l.GetValue())
			}
		}
	}
	return vs
}

// counterValue returns the value of the family's counter with exactly the
// given labels, and whether there is one.
func counterValue(f *dto.MetricFamily, labels map[string]string) (float64, bool) {
	for _, m := range f.GetMetric() {
		got := make(map[string]string)
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if len(got) == len(labels) && func() bool {
			for k, v := range labels {
				if got[k] != v {
					return false
				}
			}
			return true
		}() {
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}

// allRouteLabels is every value the route label can take where the tests
// send requests: scimd's own endpoints, the SCIM API's routes, and
// routeOther.
func allRouteLabels() []string {
	return slices.Concat([]string{pathHealthz, pathReadyz, pathMetrics, routeOther}, scim.Paths())
}

func TestMetrics(t *testing.T) {
	srv, token := newMetricsServer(t)
	base := "/tenants/" + metricsTenant + "/scim/v2"

	code, body := do(t, srv, http.MethodPost, base+"/Users", token,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen@example.com"}`)
	if code != http.StatusCreated {
		t.Fatalf("POST /Users = %d %s", code, body)
	}
	var user struct{ ID string }
	if err := json.Unmarshal([]byte(body), &user); err != nil || user.ID == "" {
		t.Fatalf("POST /Users answered %s: %v", body, err)
	}
	requests := []struct {
		method, path, token, body string
		want                      int
	}{
		{http.MethodGet, base + "/Users/" + user.ID, token, "", http.StatusOK},
		{http.MethodGet, base + "/Users/" + user.ID, token, "", http.StatusOK},
		{http.MethodGet, base + "/Users?filter=userName%20eq%20%22bjensen%40example.com%22", token, "", http.StatusOK},
		{http.MethodPost, base + "/Users/.search", token, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}`, http.StatusOK},
		{http.MethodGet, base + "/Groups/" + user.ID, token, "", http.StatusNotFound},
		{http.MethodGet, base + "/ServiceProviderConfig", token, "", http.StatusOK},
		{http.MethodGet, base + "/Users", "", "", http.StatusUnauthorized},
		{http.MethodGet, "/tenants/no-such-tenant-zq7/scim/v2/Users", token, "", http.StatusUnauthorized},
		{http.MethodGet, "/healthz", "", "", http.StatusOK},
		{http.MethodGet, "/readyz", "", "", http.StatusOK},
		{http.MethodGet, "/nope/" + user.ID, "", "", http.StatusNotFound},
		{"BREW", "/healthz", "", "", http.StatusMethodNotAllowed},
	}
	for _, r := range requests {
		if code, body := do(t, srv, r.method, r.path, r.token, r.body); code != r.want {
			t.Fatalf("%s %s = %d %s, want %d", r.method, r.path, code, body, r.want)
		}
	}

	text, families := scrape(t, srv)
	for _, secret := range []string{metricsTenant, "no-such-tenant-zq7", user.ID, "bjensen", token} {
		for line := range strings.Lines(text) {
			if strings.Contains(line, secret) {
				t.Errorf("/metrics contains %q: %s", secret, line)
			}
		}
	}

	reqs := families["scimd_http_requests_total"]
	if reqs.GetType() != dto.MetricType_COUNTER {
		t.Fatalf("scimd_http_requests_total is %v, want a counter", reqs.GetType())
	}
	for _, route := range labelValues(reqs, "route") {
		if !slices.Contains(allRouteLabels(), route) {
			t.Errorf("route label %q is not a route template", route)
		}
	}
	tb := "/tenants/{tenant}/scim/v2"
	for _, want := range []struct {
		route, method, status string
		n                     float64
	}{
		{tb + "/Users", "POST", "201", 1},
		{tb + "/Users/{id}", "GET", "200", 2},
		{tb + "/Users", "GET", "200", 1},
		{tb + "/Users", "GET", "401", 2},
		{tb + "/Users/.search", "POST", "200", 1},
		{tb + "/Groups/{id}", "GET", "404", 1},
		{tb + "/ServiceProviderConfig", "GET", "200", 1},
		{"/healthz", "GET", "200", 1},
		{"/healthz", "other", "405", 1},
		{"/readyz", "GET", "200", 1},
		{routeOther, "GET", "404", 1},
	} {
		labels := map[string]string{"route": want.route, "method": want.method, "status": want.status}
		if n, ok := counterValue(reqs, labels); !ok || n != want.n {
			t.Errorf("scimd_http_requests_total%v = %v (present: %v), want %v", labels, n, ok, want.n)
		}
	}

	dur := families["scimd_http_request_duration_seconds"]
	if dur.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("scimd_http_request_duration_seconds is %v, want a histogram", dur.GetType())
	}
	var observed uint64
	for _, m := range dur.GetMetric() {
		observed += m.GetHistogram().GetSampleCount()
		if n := len(m.GetHistogram().GetBucket()); n != len(durationBuckets)+1 { // and +Inf
			t.Errorf("a duration histogram has %d buckets, want %d", n, len(durationBuckets)+1)
		}
	}
	if want := uint64(len(requests) + 1); observed != want {
		t.Errorf("duration histograms observed %d requests, want %d", observed, want)
	}

	// database/sql statistics of both SQLite pools, the Go runtime, the
	// process.
	for _, name := range []string{"go_sql_open_connections", "go_sql_max_open_connections", "go_sql_wait_count_total"} {
		if got := labelValues(families[name], "db_name"); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"read", "write"}) {
			t.Errorf("%s has db_name %v, want read and write", name, got)
		}
	}
	want := []string{"go_goroutines", "go_memstats_alloc_bytes", "go_gc_duration_seconds"}
	if runtime.GOOS == "linux" {
		want = append(want, "process_cpu_seconds_total", "process_resident_memory_bytes")
	}
	for _, name := range want {
		if families[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
}

// TestMetricsRandomPaths sends requests to 1,000 random paths, with random
// methods, and checks that they add at most one route label value (the
// "other" bucket) and no method label value beyond "other".
func TestMetricsRandomPaths(t *testing.T) {
	srv, token := newMetricsServer(t)
	h := srv.Config.Handler
	base := "/tenants/" + metricsTenant + "/scim/v2"
	serve := func(method, path string) {
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/", nil)
		req.Method, req.URL.Path = method, path
		req.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	// Ordinary traffic, a scrape included, makes the routes of before.
	serve(http.MethodGet, base+"/Users")
	serve(http.MethodGet, base+"/Users/2819c223-7f76-453a-919d-413861904646")
	serve(http.MethodGet, "/healthz")
	scrape(t, srv)
	_, families := scrape(t, srv)
	routesBefore := labelValues(families["scimd_http_requests_total"], "route")

	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "abcXYZ019-._~%:/?#[]@!$&'()*+,;= \x00\xff"
	word := func() string {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		return string(b)
	}
	prefixes := []string{"", "/", "/tenants/", "/tenants/" + word() + "/scim/v2/", base + "/", base + "/Users/", base + "/Users/x/", "/healthz/"}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodDelete, "PROPFIND", "get", "M" + word()}
	for range 1000 {
		path := prefixes[rng.IntN(len(prefixes))]
		for range rng.IntN(4) {
			path += word() + "/"
		}
		path += word()
		serve(methods[rng.IntN(len(methods))], path)
	}

	_, families = scrape(t, srv)
	reqs := families["scimd_http_requests_total"]
	routesAfter := labelValues(reqs, "route")
	var added []string
	for _, r := range routesAfter {
		if !slices.Contains(routesBefore, r) {
			added = append(added, r)
		}
	}
	if len(added) > 1 {
		t.Errorf("1,000 random paths added the route labels %q, want at most one", added)
	}
	for _, r := range routesAfter {
		if !slices.Contains(allRouteLabels(), r) {
			t.Errorf("route label %q is not a route template", r)
		}
	}
	known := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", methodOther}
	for _, m := range labelValues(reqs, "method") {
		if !slices.Contains(known, m) {
			t.Errorf("method label %q is not a known method or %q", m, methodOther)
		}
	}
	if n := len(reqs.GetMetric()); n > 60 {
		t.Errorf("scimd_http_requests_total has %d series after 1,000 random requests", n)
	}
}

func TestStatusWriter(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    int
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, http.StatusOK},
		{"body only", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "x") }, http.StatusOK},
		{"status", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }, http.StatusTeapot},
		{"status twice", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			w.WriteHeader(http.StatusInternalServerError)
		}, http.StatusNoContent},
		{"informational first", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusCreated)
		}, http.StatusCreated},
		{"flush", func(w http.ResponseWriter, _ *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("Flush through the wrapper: %v", err)
			}
			w.WriteHeader(http.StatusNotFound) // too late: 200 is out
		}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sw := &statusWriter{ResponseWriter: httptest.NewRecorder()}
			tt.handler(sw, nil)
			got := sw.status
			if got == 0 {
				got = http.StatusOK
			}
			if got != tt.want {
				t.Errorf("recorded status %d, want %d", got, tt.want)
			}
		})
	}
	var _ http.Flusher = (*statusWriter)(nil)
}

// TestMetricsFlushOverHTTP checks that a handler behind the metrics
// middleware can flush a response to the client before it ends.
func TestMetricsFlushOverHTTP(t *testing.T) {
	m, err := newHTTPMetrics(newTestRegistry(t))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	srv := httptest.NewServer(m.instrument(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		<-release
		_, _ = io.WriteString(w, "second\n")
	})))
	t.Cleanup(srv.Close)
	defer close(release)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	line := make([]byte, len("first\n"))
	if _, err := io.ReadFull(resp.Body, line); err != nil || string(line) != "first\n" {
		t.Fatalf("read %q, %v before the handler returned; want the flushed %q", line, err, "first\n")
	}
}

func TestMetricsPanic(t *testing.T) {
	reg := newTestRegistry(t)
	m, err := newHTTPMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h := m.instrument(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	func() {
		defer func() { _ = recover() }()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/readyz", nil))
	}()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "scimd_http_requests_total" {
			if n, ok := counterValue(f, map[string]string{"route": "/readyz", "method": "GET", "status": "500"}); ok && n == 1 {
				return
			}
		}
	}
	t.Errorf("a panicking handler was not counted as a 500")
}

// newTestRegistry returns a registry with no collectors.
func newTestRegistry(t *testing.T) *prometheus.Registry {
	t.Helper()
	reg, err := newRegistry(pingStore{ping: func(context.Context) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// nopWriter is a ResponseWriter that discards everything, for counting
// allocations.
type nopWriter struct{ h http.Header }

func (w nopWriter) Header() http.Header       { return w.h }
func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriter) WriteHeader(int)             {}

func TestMetricsAllocs(t *testing.T) {
	m, err := newHTTPMetrics(newTestRegistry(t))
	if err != nil {
		t.Fatal(err)
	}
	h := m.instrument(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPatch, "/tenants/acme/scim/v2/Users/2819c223", nil)
	w := nopWriter{h: http.Header{}}
	h.ServeHTTP(w, req) // creates the series
	allocs := testing.AllocsPerRun(1000, func() { h.ServeHTTP(w, req) })
	t.Logf("%v allocations a request", allocs)
	if allocs > 1 {
		t.Errorf("the metrics middleware allocates %v times a request, want at most 1 (the status writer)", allocs)
	}
}
