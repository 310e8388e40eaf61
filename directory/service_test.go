package directory

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// newTestService returns a service over a fresh SQLite store, with the
// password policy's minimum length minPassword, and the scope of a new
// tenant.
func newTestService(t *testing.T, minPassword int) (*Service, Scope) {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	svc, err := New(Config{Store: store, PasswordMinLength: minPassword})
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := store.CreateTenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := svc.Scope(t.Context(), tenant, storage.Actor{Kind: storage.ActorSystem})
	if err != nil {
		t.Fatal(err)
	}
	return svc, sc
}
