package sqlite_test

import (
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
	"github.com/scimd/scimd/storage/storagetest"
)

// TestStatusBackfill checks migration 10: users stored before scimd kept a
// lifecycle status get the one their active attribute implies, and status
// filters find them.
func TestStatusBackfill(t *testing.T) {
	ctx := t.Context()
	logger := slog.New(slog.DiscardHandler)
	path := filepath.Join(t.TempDir(), "scimd.db")
	s, err := sqlite.Open(ctx, path, logger)
	if err != nil {
		t.Fatal(err)
	}
	set := schemas.Default()
	rt := &set.User
	tn, err := s.CreateTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for name, doc := range map[string]map[string]any{
		"on":     {"userName": "on", "active": true},
		"off":    {"userName": "off", "active": false},
		"unset":  {"userName": "unset"},
		"paused": {"userName": "paused", "active": false, schemas.ScimdUserURN: map[string]any{"status": "suspended"}},
		"tagged": {"userName": "tagged", schemas.ScimdUserURN: map[string]any{"tags": []any{map[string]any{"key": "k", "value": "v"}}}},
	} {
		r, err := s.Create(ctx, tn.ID, rt, storage.Resource{Attributes: doc})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = r.ID
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Make the database look as if migration 10 had not run yet: goose
	// refuses a missing version below the newest applied one, so the later
	// migrations are undone too (11: the audit log).
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"DROP TABLE audit_log", "DELETE FROM goose_db_version WHERE version_id >= 10"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = sqlite.Open(ctx, path, logger); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for status, want := range map[string][]string{
		"active":        {ids["on"], ids["unset"], ids["tagged"]},
		"deprovisioned": {ids["off"]},
		"suspended":     {ids["paused"]},
	} {
		f, err := filter.ParseFilter([]byte(schemas.ScimdUserURN + `:status eq "` + status + `"`))
		if err != nil {
			t.Fatal(err)
		}
		page, err := s.List(ctx, tn.ID, rt, storage.Query{Filter: f, Count: 100, StartIndex: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page.Resources {
			got = append(got, r.ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("status %s: %v, want %v", status, got, want)
		}
	}
	u, err := s.Get(ctx, tn.ID, rt, ids["tagged"], storage.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ext, _ := u.Attributes[schemas.ScimdUserURN].(map[string]any)
	if u.Attributes["active"] != true || ext["status"] != "active" || ext["tags"] == nil || u.Meta.Version != 1 {
		t.Errorf("backfilled user: %v (version %d)", u.Attributes, u.Meta.Version)
	}
	keys, err := s.TagKeys(ctx, tn.ID)
	if err != nil || len(keys) != 1 {
		t.Errorf("tag keys after the backfill: %v, %v", keys, err)
	}
}

// TestSortValuesMigration checks migration 12: resources stored before
// scimd kept the sort values of multi-valued attributes get them.
func TestSortValuesMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scimd.db")
	logger := slog.New(slog.DiscardHandler)
	storagetest.RunSortValuesMigrationTest(t, func(t *testing.T) storage.Store {
		s, err := sqlite.Open(t.Context(), path, logger)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, func(t *testing.T, stmt string) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatal(err)
		}
	})
}
