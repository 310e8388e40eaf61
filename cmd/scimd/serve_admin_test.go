package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// TestServeAdminAPI starts serve with an in-process OIDC issuer and checks
// that the admin API answers a platform admin's token; package admin tests
// the API itself.
func TestServeAdminAPI(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: key.Public(), KeyID: "k1", Algorithm: oidc.RS256}}}
	srv := httptest.NewServer(idp)
	t.Cleanup(srv.Close)
	idp.SetIssuer(srv.URL)

	addr, logs, stop := startServe(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "scimd.db"),
		"--oidc-issuer", srv.URL, "--oidc-audience", "scimd-admin", "--oidc-roles-claim", "roles")
	claims, err := json.Marshal(map[string]any{"iss": srv.URL, "aud": "scimd-admin", "sub": "root",
		"exp": time.Now().Add(time.Hour).Unix(), "roles": []string{"platform_admin"}})
	if err != nil {
		t.Fatal(err)
	}
	token := oidctest.SignIDToken(key, "k1", oidc.RS256, string(claims))

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/admin/v1/tenants", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"name":"default"`) {
		t.Errorf("GET /admin/v1/tenants = %d %s, want 200 with the tenant default", resp.StatusCode, body)
	}
	if code, _ := fetch(t, "http://"+addr+"/admin/v1/tenants"); code != http.StatusUnauthorized {
		t.Errorf("GET /admin/v1/tenants without a token = %d, want 401", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), `"msg":"admin API on"`) || strings.Contains(logs.String(), token) {
		t.Errorf("logs do not say the admin API is on, or hold the token:\n%s", logs)
	}
}

// TestServeAdminAPIOff: without an issuer, serve says so and /admin/v1
// answers 404 in JSON.
func TestServeAdminAPIOff(t *testing.T) {
	addr, logs, stop := startServe(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "scimd.db"))
	code, body := fetch(t, "http://"+addr+"/admin/v1/tenants")
	if code != http.StatusNotFound || !strings.Contains(body, `"error":"not_found"`) {
		t.Errorf("GET /admin/v1/tenants = %d %s, want a JSON 404", code, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), "admin API off") {
		t.Errorf("logs do not say the admin API is off:\n%s", logs)
	}
}

// TestServeAdminIssuerUnreachable: serve does not start when the issuer's
// discovery document cannot be read.
func TestServeAdminIssuerUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	args := []string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "scimd.db"),
		"--oidc-issuer", "http://127.0.0.1:1", "--oidc-audience", "a"}
	err := run(ctx, args, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "OIDC discovery") {
		t.Errorf("serve with an unreachable issuer: %v, want an OIDC discovery error", err)
	}
}
