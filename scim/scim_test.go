package scim_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/scim/scimtest"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/mysql/mysqltest"
	"github.com/scimd/scimd/storage/sqlite"
)

// TestHTTPSQLite runs the HTTP conformance suite against the SCIM handler
// over a real HTTP round trip, on SQLite.
func TestHTTPSQLite(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	scimtest.RunHTTPTests(t, newTargets(t, s, logger))
}

// newTargets serves the SCIM API of store over httptest and makes a fresh
// tenant with a credential for every target.
func newTargets(t *testing.T, store storage.Store, logger *slog.Logger) func(t *testing.T) scimtest.Target {
	h, err := scim.NewHandler(scim.Config{Store: store, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var n atomic.Int64
	return func(t *testing.T) scimtest.Target {
		name := fmt.Sprintf("t%d", n.Add(1))
		tenant, err := store.CreateTenant(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		token, hash, err := credentials.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		cred, err := store.CreateCredential(t.Context(), tenant.ID, "test", hash)
		if err != nil {
			t.Fatal(err)
		}
		return scimtest.Target{BaseURL: srv.URL + "/tenants/" + name + "/scim/v2", Token: token, Client: srv.Client(),
			Revoke: func(t *testing.T) {
				if err := store.RevokeCredential(t.Context(), tenant.ID, cred.ID); err != nil {
					t.Fatal(err)
				}
			}}
	}
}

// TestHTTPMySQL runs the HTTP conformance suite on MySQL, when a server is
// configured (see mysqltest).
func TestHTTPMySQL(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := mysqltest.StoreFactory(t)(t)
	scimtest.RunHTTPTests(t, newTargets(t, s, logger))
}

// applyDefinition sets a tenant's schema as the CLI does.
func applyDefinition(ctx context.Context, store storage.Store, tn storage.Tenant, raw []byte) (int64, error) {
	dir, err := directory.New(directory.Config{Store: store})
	if err != nil {
		return 0, err
	}
	return dir.ApplyDefinition(ctx, tn, storage.Actor{Kind: storage.ActorCLI}, raw)
}
