package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/scim/scimtest"
)

// TestBinaryTenantIsolation runs the tenant isolation suite over every
// SCIM route against the built binary on SQLite, with tenants made by
// "scimd tenant create" as an operator would.
func TestBinaryTenantIsolation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildScimd(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "scimd.db")
	p := startScimd(t, bin, db)
	client := &http.Client{Timeout: 30 * time.Second}
	var n atomic.Int64
	scimtest.RunHTTPIsolationTests(t, func(t *testing.T) scimtest.Target {
		basePath, token := createTenantCLI(t, bin, db, fmt.Sprintf("iso%d", n.Add(1)))
		return scimtest.Target{BaseURL: p.base + basePath, Token: token, Client: client}
	}, scim.Paths())
}
