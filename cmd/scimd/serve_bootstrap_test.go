package main

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/scimd/scimd/storage"
)

// TestServeBootstrap starts serve on an empty database: it creates the
// tenant "default" and prints its SCIM base URL and token once; the second
// start prints nothing.
func TestServeBootstrap(t *testing.T) {
	db := tempDB(t)
	var stdout syncBuffer
	addr, logs, stop := startServeOut(t, &stdout, "--db", db)
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}

	out := stdout.String()
	wantURL := "http://" + addr + "/tenants/default/scim/v2"
	var url, token string
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(line, "SCIM base URL:"); ok {
			url = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Bearer token:"); ok {
			token = strings.TrimSpace(v)
		}
	}
	if url != wantURL {
		t.Errorf("printed base URL %q, want %q; stdout:\n%s", url, wantURL, out)
	}
	if n := len(tokenPattern.FindAllString(out, -1)); n != 1 {
		t.Errorf("stdout shows %d tokens, want 1:\n%s", n, out)
	}
	if strings.Contains(logs.String(), token) || tokenPattern.MatchString(logs.String()) {
		t.Errorf("a token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs.String(), `"msg":"created the first tenant`) || !strings.Contains(logs.String(), wantURL) {
		t.Errorf("the logs do not say that the first tenant was made:\n%s", logs)
	}
	checkToken(t, openTestStore(t, db), "default", token, "default")

	var stdout2 syncBuffer
	_, logs2, stop2 := startServeOut(t, &stdout2, "--db", db)
	if err := stop2(); err != nil {
		t.Fatalf("second serve: %v", err)
	}
	if stdout2.String() != "" {
		t.Errorf("the second start printed %q", stdout2.String())
	}
	if strings.Contains(logs2.String(), "created the first tenant") {
		t.Errorf("the second start created a tenant:\n%s", logs2)
	}
	var tenants []struct{ Name string }
	decodeOne(t, mustScimd(t, db, "tenant", "list", "--json"), &tenants)
	if len(tenants) != 1 || tenants[0].Name != "default" {
		t.Errorf("tenants after two starts = %+v, want only default", tenants)
	}
}

// TestServeNoBootstrapWithTenants checks that serve makes no tenant when
// one exists.
func TestServeNoBootstrapWithTenants(t *testing.T) {
	db := tempDB(t)
	mustScimd(t, db, "tenant", "create", "acme")
	var stdout syncBuffer
	_, _, stop := startServeOut(t, &stdout, "--db", db)
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if stdout.String() != "" {
		t.Errorf("serve printed %q with a tenant present", stdout.String())
	}
	if _, err := openTestStore(t, db).Tenant(t.Context(), "default"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Tenant(default) = %v, want ErrNotFound", err)
	}
}

func TestAdvertisedHost(t *testing.T) {
	for _, tt := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "localhost:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}, "localhost:80"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "[::1]:9000"},
		{&net.TCPAddr{Port: 8080}, "localhost:8080"},
	} {
		if got := advertisedHost(tt.addr); got != tt.want {
			t.Errorf("advertisedHost(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
