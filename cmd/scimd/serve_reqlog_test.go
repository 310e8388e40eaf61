package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/internal/reqlog"
)

// requestLines returns serve's request log lines (reqlog.Msg) by request ID,
// without their time, duration_ms and remote, which it checks are there.
// It fails the test if two lines have one ID.
func requestLines(t *testing.T, logs string) map[string]map[string]any {
	t.Helper()
	lines := map[string]map[string]any{}
	for line := range strings.Lines(logs) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] != reqlog.Msg {
			continue
		}
		id, _ := m["request_id"].(string)
		if lines[id] != nil {
			t.Errorf("two request lines with request ID %q:\n%v\n%v", id, lines[id], m)
		}
		if d, ok := m["duration_ms"].(float64); !ok || d < 0 {
			t.Errorf("duration_ms = %v, want a number ≥ 0: %s", m["duration_ms"], line)
		}
		if r, _ := m["remote"].(string); !strings.HasPrefix(r, "127.0.0.1:") {
			t.Errorf("remote = %v, want the client's address: %s", m["remote"], line)
		}
		delete(m, "time")
		delete(m, "duration_ms")
		delete(m, "remote")
		lines[id] = m
	}
	return lines
}

// TestServeRequestLog sends requests to serve and checks the one request
// log line of each, field by field: a SCIM request names its tenant and
// credential and no token or filter value; a health check names neither; a
// client's sane X-Request-Id is echoed and logged, an insane one replaced
// by a generated one.
func TestServeRequestLog(t *testing.T) {
	db := tempDB(t)
	mustScimd(t, db, "tenant", "create", "acme")
	var cred struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	decodeOne(t, mustScimd(t, db, "token", "create", "--tenant", "acme", "--name", "okta", "--json"), &cred)
	addr, logs, stop := startServe(t, "--db", db)
	base := "http://" + addr

	const (
		agent       = "Okta SCIM Client 1.0.0"
		filterValue = "pii-in-a-filter-4e1d"
		userName    = "alice-7c2a"
		badToken    = "scimd_not-a-token-9b3f"
	)
	client := &http.Client{Timeout: 10 * time.Second}
	// send sends a request and returns the X-Request-Id of the response.
	send := func(method, path, token, requestID, body string, want int) string {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequestWithContext(t.Context(), method, base+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", agent)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if requestID != "" {
			req.Header.Set(reqlog.Header, requestID)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/scim+json")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
		}
		return resp.Header.Get(reqlog.Header)
	}

	create := send("POST", "/tenants/acme/scim/v2/Users", cred.Token, "okta-req:1",
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`+userName+`"}`, http.StatusCreated)
	filter := url.QueryEscape(`userName eq "` + filterValue + `"`)
	list := send("GET", "/tenants/acme/scim/v2/Users?filter="+filter, cred.Token, "", "", http.StatusOK)
	refused := send("GET", "/tenants/acme/scim/v2/Users", badToken, "", "", http.StatusUnauthorized)
	health := send("GET", "/healthz", "", "", "", http.StatusOK)
	admin := send("GET", "/admin/v1/tenants", "", "", "", http.StatusNotFound)
	insane := map[string]string{
		"too long":  strings.Repeat("a", reqlog.MaxIDLength+1),
		"space":     "okta req 1",
		"non-ASCII": "req-é",
	}
	insaneIDs := map[string]string{}
	for what, id := range insane {
		insaneIDs[what] = send("GET", "/healthz", "", id, "", http.StatusOK)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	out := logs.String()
	lines := requestLines(t, out)

	if create != "okta-req:1" {
		t.Errorf("X-Request-Id of the response = %q, want the client's okta-req:1", create)
	}
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for what, id := range map[string]string{"list": list, "refused": refused, "health": health, "admin": admin} {
		if !generated.MatchString(id) {
			t.Errorf("%s: X-Request-Id of the response = %q, want a generated one (32 hexadecimal digits)", what, id)
		}
	}
	for what, id := range insaneIDs {
		if !generated.MatchString(id) {
			t.Errorf("X-Request-Id %s: response's = %q, want a generated one (32 hexadecimal digits)", what, id)
		}
		if strings.Contains(out, insane[what]) {
			t.Errorf("X-Request-Id %s: the client's value is in the logs", what)
		}
	}

	line := func(method, route string, status float64, id string) map[string]any {
		return map[string]any{"level": "INFO", "msg": reqlog.Msg, "method": method, "route": route,
			"status": status, "user_agent": agent, "request_id": id}
	}
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	want := map[string]map[string]any{
		create:  with(line("POST", "/tenants/{tenant}/scim/v2/Users", 201, create), "tenant", "acme", "credential", cred.ID),
		list:    with(line("GET", "/tenants/{tenant}/scim/v2/Users", 200, list), "tenant", "acme", "credential", cred.ID),
		refused: with(line("GET", "/tenants/{tenant}/scim/v2/Users", 401, refused), "tenant", "acme"),
		health:  with(line("GET", "/healthz", 200, health), "bytes", 2.0),
		admin:   line("GET", "other", 404, admin), // the admin API is off: no route serves it,
	}
	for _, id := range insaneIDs {
		want[id] = with(line("GET", "/healthz", 200, id), "bytes", 2.0)
	}
	for id, w := range want {
		got := lines[id]
		if b, ok := got["bytes"].(float64); ok && w["bytes"] == nil && b > 0 {
			w["bytes"] = b // the size of a SCIM body is not this test's concern
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("request line of %s\n got %v\nwant %v", id, got, w)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d request lines, want %d (one a request):\n%s", len(lines), len(want), out)
	}
	for what, s := range map[string]string{"token": cred.Token, "refused token": badToken,
		"filter value": filterValue, "user name from the body": userName} {
		if strings.Contains(out, s) {
			t.Errorf("the logs hold the %s %q:\n%s", what, s, out)
		}
	}
}
