package reqlog

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestSane(t *testing.T) {
	for id, want := range map[string]bool{
		"":                                     false,
		"a":                                    true,
		"0f8fad5b-d9cb-469f-a165-70867728950e": true,
		"Root=1-67891233-abcdef012345678912345678:x_y.z+/": true,
		strings.Repeat("a", MaxIDLength):                   true,
		strings.Repeat("a", MaxIDLength+1):                 false,
		"with space":                                       false,
		"tab\tin":                                          false,
		"réq":                                              false,
		`quote"`:                                           false,
		"semi;colon":                                       false,
		"new\nline":                                        false,
	} {
		if got := Sane(id); got != want {
			t.Errorf("Sane(%q) = %v, want %v", id, got, want)
		}
	}
}

// wrapper is a ResponseWriter wrapped the way other middlewares wrap it.
type wrapper struct{ http.ResponseWriter }

func (w wrapper) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// serve sends req through Middleware around a ServeMux with h at pattern,
// with the writer wrapped once more, and returns the response and the log
// lines, decoded.
func serve(t *testing.T, pattern string, h http.HandlerFunc, req *http.Request) (*http.Response, []map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	mux := http.NewServeMux()
	mux.Handle(pattern, h)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mux.ServeHTTP(wrapper{w}, r) })
	rec := httptest.NewRecorder()
	func() {
		defer func() { _ = recover() }()
		Middleware(inner, logger, nil).ServeHTTP(rec, req)
	}()
	var lines []map[string]any
	for line := range strings.Lines(buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return rec.Result(), lines
}

// requestLine returns the one request log line among lines, without its
// time, duration_ms and remote, which it checks are there.
func requestLine(t *testing.T, lines []map[string]any) map[string]any {
	t.Helper()
	var found map[string]any
	for _, l := range lines {
		if l["msg"] == Msg {
			if found != nil {
				t.Fatalf("two request lines: %v and %v", found, l)
			}
			found = l
		}
	}
	if found == nil {
		t.Fatalf("no request line in %v", lines)
	}
	if d, ok := found["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms = %v, want a number ≥ 0", found["duration_ms"])
	}
	if found["remote"] == "" || found["remote"] == nil {
		t.Errorf("remote = %v, want the client's address", found["remote"])
	}
	delete(found, "time")
	delete(found, "duration_ms")
	delete(found, "remote")
	return found
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestMiddleware(t *testing.T) {
	handler := func(w http.ResponseWriter, r *http.Request) {
		Annotate(w, r.PathValue("tenant"), "")
		Annotate(w, "", "cred-1")
		slog.New(NewHandler(slog.NewJSONHandler(discard{}, nil))).InfoContext(r.Context(), "unused")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("hello"))
	}
	req := httptest.NewRequest("POST", "/t/acme/things?filter=secret", strings.NewReader("body-secret"))
	req.Header.Set(Header, "client-id-1")
	req.Header.Set("User-Agent", "Okta SCIM Client 1.0.0")
	req.Header.Set("Authorization", "Bearer token-secret")
	resp, lines := serve(t, "POST /t/{tenant}/things", handler, req)
	if got := resp.Header.Get(Header); got != "client-id-1" {
		t.Errorf("%s = %q, want the client's", Header, got)
	}
	want := map[string]any{
		"level": "INFO", "msg": Msg, "method": "POST", "route": "/t/{tenant}/things", "status": 201.0, "bytes": 5.0,
		"tenant": "acme", "credential": "cred-1", "user_agent": "Okta SCIM Client 1.0.0", AttrKey: "client-id-1",
	}
	if got := requestLine(t, lines); !reflect.DeepEqual(got, want) {
		t.Errorf("request line\n got %v\nwant %v", got, want)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestMiddlewareGeneratesID(t *testing.T) {
	for name, id := range map[string]string{
		"none":      "",
		"too long":  strings.Repeat("x", MaxIDLength+1),
		"space":     "a b",
		"non-ASCII": "réq-1",
	} {
		t.Run(name, func(t *testing.T) {
			var inCtx string
			req := httptest.NewRequest("GET", "/healthz", nil)
			if id != "" {
				req.Header.Set(Header, id)
			}
			resp, lines := serve(t, "GET /healthz", func(w http.ResponseWriter, r *http.Request) { inCtx = ID(r.Context()) }, req)
			got := resp.Header.Get(Header)
			if !generatedID.MatchString(got) {
				t.Fatalf("%s = %q, want 32 hexadecimal digits", Header, got)
			}
			if inCtx != got {
				t.Errorf("ID(ctx) = %q, want %q", inCtx, got)
			}
			want := map[string]any{"level": "INFO", "msg": Msg, "method": "GET", "route": "/healthz", "status": 200.0, "bytes": 0.0, AttrKey: got}
			if line := requestLine(t, lines); !reflect.DeepEqual(line, want) {
				t.Errorf("request line\n got %v\nwant %v", line, want)
			}
		})
	}
}

// TestHandlerAddsID checks that a line logged with the request's context
// carries the request ID, and one logged without it does not.
func TestHandlerAddsID(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil))).With("k", "v")
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.WarnContext(r.Context(), "inside")
		logger.Warn("outside")
	}), logger, nil)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set(Header, "id-42")
	h.ServeHTTP(httptest.NewRecorder(), req)
	out := buf.String()
	if n := strings.Count(out, `"request_id":"id-42"`); n != 2 {
		t.Errorf("%d lines carry the request ID, want 2 (inside and request):\n%s", n, out)
	}
	if !strings.Contains(out, `"msg":"outside","k":"v"}`) {
		t.Errorf("a line logged without the request's context has a request ID or lost its attributes:\n%s", out)
	}
	if strings.Count(out, "request_id") != 2 {
		t.Errorf("request_id logged twice in a line:\n%s", out)
	}
}

func TestMiddlewarePanic(t *testing.T) {
	_, lines := serve(t, "/", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) },
		httptest.NewRequest("DELETE", "/x", nil))
	line := requestLine(t, lines)
	if line["status"] != 500.0 || line["route"] != "/" {
		t.Errorf("request line of a handler that panicked: %v, want status 500 and route /", line)
	}
}

func TestPattern(t *testing.T) {
	for pattern, want := range map[string]string{
		"":                        "",
		"/a/{b}":                  "/a/{b}",
		"GET /a/{b}":              "/a/{b}",
		"POST example.com/a":      "/a",
		"example.com/a/{$}":       "/a/{$}",
		"GET  /two/spaces/{x...}": "/two/spaces/{x...}",
	} {
		if got := Pattern(&http.Request{Pattern: pattern}); got != want {
			t.Errorf("Pattern(%q) = %q, want %q", pattern, got, want)
		}
	}
}
