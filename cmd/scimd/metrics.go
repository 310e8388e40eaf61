package main

import (
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scimd/scimd/storage"
)

// Paths of the endpoints besides the SCIM API; they are their own route
// templates.
const (
	pathHealthz = "/healthz"
	pathReadyz  = "/readyz"
	pathMetrics = "/metrics"
)

// durationBuckets are the upper bounds, in seconds, of the request
// duration histogram: 100µs to 5s, about three buckets a decade.
var durationBuckets = []float64{
	0.0001, 0.00025, 0.0005,
	0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05,
	0.1, 0.25, 0.5,
	1, 2.5, 5,
}

// poolStore is a storage.Store that shows its connection pools, by role
// ("read", "write"); the SQL backends are.
type poolStore interface {
	Pools() map[string]*sql.DB
}

// newRegistry returns a registry, of this handler alone, with the Go
// runtime and process collectors and a database/sql statistics collector
// (go_sql_*, labeled db_name) for each connection pool of store.
func newRegistry(store storage.Store) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	cs := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	if ps, ok := store.(poolStore); ok {
		for name, db := range ps.Pools() {
			cs = append(cs, collectors.NewDBStatsCollector(db, name))
		}
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics collector: %w", err)
		}
	}
	return reg, nil
}

// metricsHandler serves GET /metrics: what reg gathers, in the Prometheus
// exposition format.
func metricsHandler(reg *prometheus.Registry, logger *slog.Logger) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelError),
		Registry: reg, // counts promhttp_metric_handler_errors_total
	})
}

// httpMetrics are the metrics of the requests scimd serves:
//
//	scimd_http_requests_total{route, method, status}
//	scimd_http_request_duration_seconds{route, method}
//
// Every label has a small fixed set of values, whatever clients send:
// route is a pattern's path (routeLabel), method one of the methods of
// RFC 9110 and PATCH or "other", status a code scimd answers with.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newHTTPMetrics registers the HTTP metrics with reg.
func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scimd_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scimd_http_request_duration_seconds",
			Help:    "Time from receiving an HTTP request's headers until its handler returned, by route template and method.",
			Buckets: durationBuckets,
		}, []string{"route", "method"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register HTTP metrics: %w", err)
		}
	}
	return m, nil
}

// instrument wraps next to count and time every request.
func (m *httpMetrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		method := methodLabel(r.Method)
		sw := &statusWriter{ResponseWriter: w}
		returned := false
		defer func() {
			// The mux set the pattern that served r on r itself.
			route := routeLabel(r)
			status := sw.status
			if status == 0 {
				// A handler that writes nothing answers 200; one that
				// panicked before writing answers nothing, counted as 500.
				status = http.StatusOK
				if !returned {
					status = http.StatusInternalServerError
				}
			}
			m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
			m.requests.WithLabelValues(route, method, statusLabel(status)).Inc()
		}()
		next.ServeHTTP(sw, r)
		returned = true
	})
}

// routeOther is the route label of every request no route served: a path
// nothing serves, or one only a catch-all (a pattern ending in "/")
// answers.
const routeOther = "other"

// routeLabel is the route a request was served by: the path of the
// ServeMux pattern that matched it (r.Pattern, without its method and a
// trailing "/{$}"), such as "/tenants/{tenant}/scim/v2/Users/{id}"; the
// path itself for scimd's own endpoints, which the mux may answer without
// a pattern (405); routeOther otherwise. It never holds a tenant name or
// an id, and takes a small fixed set of values whatever clients send. The
// mux sets the pattern on the request it serves: instrument must wrap the
// mux, and a middleware in between must pass that same request on.
func routeLabel(r *http.Request) string {
	switch r.URL.Path {
	case pathHealthz:
		return pathHealthz
	case pathReadyz:
		return pathReadyz
	case pathMetrics:
		return pathMetrics
	}
	p := r.Pattern
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = p[i+1:] // the method
	}
	p = strings.TrimSuffix(p, "/{$}")
	if p == "" || strings.HasSuffix(p, "/") {
		return routeOther
	}
	return p
}

// methodOther is the method label of the methods methodLabel does not
// know.
const methodOther = "other"

// methodLabel returns the method itself if it is a standard one, else
// methodOther: clients choose the method, and an arbitrary one must not
// make a new series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	case http.MethodPost:
		return http.MethodPost
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodOptions:
		return http.MethodOptions
	case http.MethodConnect:
		return http.MethodConnect
	case http.MethodTrace:
		return http.MethodTrace
	}
	return methodOther
}

// statusLabels holds the status label of each code from 100 to 599, so
// that labeling a request does not allocate.
var statusLabels = func() (labels [600]string) {
	for code := 100; code < len(labels); code++ {
		labels[code] = strconv.Itoa(code)
	}
	return labels
}()

// statusLabel returns the decimal form of a status code.
func statusLabel(code int) string {
	if code >= 100 && code < len(statusLabels) {
		return statusLabels[code]
	}
	return strconv.Itoa(code)
}

// statusWriter is an http.ResponseWriter that records the status code of
// the response. It unwraps for http.ResponseController and passes Flush
// on.
type statusWriter struct {
	http.ResponseWriter
	status int // the final status code written; 0 until then
}

// WriteHeader records the first final (not 1xx) status code.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Flush sends what is buffered, writing the header (200 if none was set)
// first, when the underlying writer can flush.
func (w *statusWriter) Flush() {
	if err := http.NewResponseController(w.ResponseWriter).Flush(); err == nil && w.status == 0 {
		w.status = http.StatusOK
	}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
