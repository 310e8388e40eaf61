// Package reqlog writes the request log: one line per HTTP request, at info
// level, written when the handler returns. It also gives each request an ID,
// taken from the client's X-Request-Id header when that is sane or else
// generated, which it echoes in the response's X-Request-Id header and puts
// in the request's context, where the log handler of NewHandler finds it
// for every line logged with that context.
//
// The line never holds a header value other than the request ID and the
// user agent, a query string, a body or a token: its route is a template,
// such as "/tenants/{tenant}/scim/v2/Users/{id}", never the path.
package reqlog

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Msg is the message of the request log line.
const Msg = "request"

// maxValue is the length, in bytes, at which the values a client chooses
// (the user agent, a tenant name from the path) are cut in the log.
const maxValue = 128

// Middleware returns next wrapped to log every request with logger, as one
// line with message Msg and these attributes:
//
//	method       the request method
//	route        route(r), called once the handler has returned with the
//	             request the handler was given, so that r.Pattern and
//	             r.PathValue are those of the ServeMux route that served
//	             it; Pattern(r) when route is nil
//	status       the response status code; 500 when the handler panicked
//	             before writing one
//	duration_ms  the time from the request's arrival at the middleware
//	             until the handler returned, in milliseconds
//	bytes        the number of response body bytes written
//	tenant       the tenant set with Annotate, if any
//	credential   the credential set with Annotate, if any
//	remote       the client address of the connection (r.RemoteAddr)
//	user_agent   the User-Agent header, cut at 128 bytes, if any
//	request_id   the request's ID (ID), added by the handler of NewHandler
//
// Middleware wraps logger's handler with NewHandler unless it is one.
func Middleware(next http.Handler, logger *slog.Logger, route func(*http.Request) string) http.Handler {
	if _, ok := logger.Handler().(*handler); !ok {
		logger = slog.New(NewHandler(logger.Handler()))
	}
	if route == nil {
		route = Pattern
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r.Header.Get(Header))
		w.Header().Set(Header, id)
		r = r.WithContext(withID(r.Context(), id))
		rec := &recorder{ResponseWriter: w}
		returned := false
		defer func() {
			status := rec.status
			if status == 0 {
				// A handler that writes nothing answers 200; one that
				// panicked before writing answers nothing, logged as 500.
				status = http.StatusOK
				if !returned {
					status = http.StatusInternalServerError
				}
			}
			ctx := r.Context()
			if !logger.Enabled(ctx, slog.LevelInfo) {
				return
			}
			attrs := make([]slog.Attr, 0, 10)
			attrs = append(attrs,
				slog.String("method", r.Method),
				slog.String("route", route(r)),
				slog.Int("status", status),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.Int64("bytes", rec.bytes))
			if rec.tenant != "" {
				attrs = append(attrs, slog.String("tenant", cut(rec.tenant)))
			}
			if rec.credential != "" {
				attrs = append(attrs, slog.String("credential", cut(rec.credential)))
			}
			attrs = append(attrs, slog.String("remote", r.RemoteAddr))
			if ua := r.UserAgent(); ua != "" {
				attrs = append(attrs, slog.String("user_agent", cut(ua)))
			}
			logger.LogAttrs(ctx, slog.LevelInfo, Msg, attrs...)
		}()
		next.ServeHTTP(rec, r)
		returned = true
	})
}

// Pattern returns the path part of the ServeMux pattern that matched r
// (r.Pattern without its method or host), such as
// "/admin/v1/tenants/{name}"; "" when no pattern matched.
func Pattern(r *http.Request) string {
	p := r.Pattern
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		p = strings.TrimLeft(p[i:], " \t")
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		p = p[i:] // a host
	}
	return p
}

// Annotate records, for the request log line of the request w answers, the
// tenant the request is for and the ID of the credential that
// authenticated it. An empty value leaves the one recorded before. Handlers
// call it with the ResponseWriter they were given: Annotate finds the
// middleware's writer through writers that wrap it and have an Unwrap
// method (as for http.ResponseController), and does nothing when there is
// none. Values are cut at 128 bytes in the log.
func Annotate(w http.ResponseWriter, tenant, credential string) {
	for {
		switch x := w.(type) {
		case *recorder:
			if tenant != "" {
				x.tenant = tenant
			}
			if credential != "" {
				x.credential = credential
			}
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

// cut returns s cut at maxValue bytes.
func cut(s string) string {
	if len(s) > maxValue {
		return s[:maxValue]
	}
	return s
}

// recorder is the middleware's http.ResponseWriter: it records the status
// code, the number of body bytes and what Annotate says. It unwraps for
// http.ResponseController and passes Flush on.
type recorder struct {
	http.ResponseWriter
	status     int   // the final status code written; 0 until then
	bytes      int64 // body bytes written
	tenant     string
	credential string
}

// WriteHeader records the first final (not 1xx) status code.
func (w *recorder) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Flush sends what is buffered, writing the header (200 if none was set)
// first, when the underlying writer can flush.
func (w *recorder) Flush() {
	if err := http.NewResponseController(w.ResponseWriter).Flush(); err == nil && w.status == 0 {
		w.status = http.StatusOK
	}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
