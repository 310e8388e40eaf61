package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// TestServeLogsNoSecrets runs serve with debug logs captured, sends SCIM
// and admin requests carrying a valid bearer token, invalid ones, a Basic
// Authorization header, passwords in bodies and a filter, and checks that no
// log line holds any of those secrets, Authorization header values or the
// filter's value, and that each request has its request
// log line.
func TestServeLogsNoSecrets(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	issuer := httptest.NewServer(idp)
	t.Cleanup(issuer.Close)
	idp.SetIssuer(issuer.URL)

	var stdout syncBuffer
	addr, logs, stop := startServeOut(t, &stdout, "--log-level", "debug",
		"--db", "sqlite:"+filepath.Join(t.TempDir(), "scimd.db"),
		"--oidc-issuer", issuer.URL, "--oidc-audience", "scimd-admin", "--oidc-roles-claim", "roles")
	m := regexp.MustCompile(`SCIM base URL: (\S+)\nBearer token:\s+(\S+)`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("serve printed no SCIM base URL and token:\n%s", stdout.String())
	}
	base, token := m[1], m[2]

	// A JWT signed by the issuer but for another audience, and one for the
	// right audience: both are secrets too.
	sign := func(aud string) string {
		claims, err := json.Marshal(map[string]any{"iss": issuer.URL, "aud": aud, "sub": "root",
			"exp": time.Now().Add(time.Hour).Unix(), "roles": []string{"platform_admin"}})
		if err != nil {
			t.Fatal(err)
		}
		return oidctest.SignIDToken(key, "k1", oidc.RS256, string(claims))
	}
	adminJWT, wrongAudJWT := sign("scimd-admin"), sign("someone-else")

	const (
		password      = "Pa55word-in-a-body-7f3c"
		basicPassword = "basic-pw-9d21"
		invalidToken  = "invalid-token-0c5e8a1b2d3f"
		filterValue   = "filter-value-5a7e"
	)
	basic := base64.StdEncoding.EncodeToString([]byte("scim-client:" + basicPassword))
	secrets := map[string]string{
		"valid token":                 token,
		"invalid token":               invalidToken,
		"password":                    password,
		"Basic password":              basicPassword,
		"Basic credentials (base64)":  basic,
		"admin JWT":                   adminJWT,
		"JWT for another audience":    wrongAudJWT,
		"admin JWT signature":         adminJWT[strings.LastIndex(adminJWT, ".")+1:],
		"Authorization: Bearer token": "Bearer " + token,
		"filter value":                filterValue,
	}

	client := &http.Client{Timeout: 10 * time.Second}
	sent := 0
	send := func(method, url, auth string, body any) int {
		t.Helper()
		sent++
		var rd io.Reader
		if body != nil {
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/scim+json")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	user := func(userName string) map[string]any {
		return map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
			"userName": userName, "password": password}
	}
	bearer := "Bearer " + token
	expect := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: status %d, want %d", what, got, want)
		}
	}

	expect("GET /Users with the valid token", send("GET", base+"/Users", bearer, nil), http.StatusOK)
	expect("GET /Users with a filter", send("GET", base+"/Users?filter="+url.QueryEscape(`userName eq "`+filterValue+`"`), bearer, nil), http.StatusOK)
	expect("POST /Users with a password", send("POST", base+"/Users", bearer, user("alice")), http.StatusCreated)
	expect("POST /Users, duplicate, with a password", send("POST", base+"/Users", bearer, user("alice")), http.StatusConflict)
	bad := user("bob")
	bad["active"] = "not a boolean"
	if got := send("POST", base+"/Users", bearer, bad); got != http.StatusBadRequest {
		t.Logf("POST /Users with an invalid attribute and a password: status %d", got)
	}
	expect("POST /Users with an invalid token", send("POST", base+"/Users", "Bearer "+invalidToken, user("carol")), http.StatusUnauthorized)
	expect("GET /Users with Basic credentials", send("GET", base+"/Users", "Basic "+basic, nil), http.StatusUnauthorized)
	expect("POST /Users with Basic credentials", send("POST", base+"/Users", "Basic "+basic, user("dave")), http.StatusUnauthorized)
	expect("GET /Users with the token and no scheme", send("GET", base+"/Users", token, nil), http.StatusUnauthorized)
	expect("GET /admin/v1/tenants with the admin JWT", send("GET", "http://"+addr+"/admin/v1/tenants", "Bearer "+adminJWT, nil), http.StatusOK)
	expect("GET /admin/v1/tenants with a JWT for another audience",
		send("GET", "http://"+addr+"/admin/v1/tenants", "Bearer "+wrongAudJWT, nil), http.StatusUnauthorized)
	expect("GET /admin/v1/tenants with the SCIM token", send("GET", "http://"+addr+"/admin/v1/tenants", bearer, nil), http.StatusUnauthorized)
	expect("GET /admin/v1/tenants with Basic credentials",
		send("GET", "http://"+addr+"/admin/v1/tenants", "Basic "+basic, nil), http.StatusUnauthorized)

	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, `"level":"DEBUG"`) && !strings.Contains(out, `"msg":"listening"`) {
		t.Fatalf("no logs captured:\n%s", out)
	}
	// One request line a request; the admin API's names its route and the
	// token's subject.
	lines := requestLines(t, out)
	if len(lines) != sent {
		t.Errorf("%d request lines, want %d", len(lines), sent)
	}
	adminLines := 0
	for _, l := range lines {
		if l["route"] == "/admin/v1/tenants" && l["status"] == 200.0 {
			adminLines++
			if l["credential"] != "root" {
				t.Errorf("request line of GET /admin/v1/tenants: credential %v, want the subject root: %v", l["credential"], l)
			}
		}
	}
	if adminLines != 1 {
		t.Errorf("%d request lines of GET /admin/v1/tenants with status 200, want 1", adminLines)
	}
	for line := range strings.Lines(out) {
		for what, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("a log line holds the %s: %s", what, line)
			}
		}
	}
}
