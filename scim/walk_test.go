package scim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// queryLog records the storage queries of List calls; everything else goes
// to the real store it wraps.
type queryLog struct {
	storage.Store
	mu      sync.Mutex
	queries []storage.Query
}

func (l *queryLog) List(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, q storage.Query) (storage.Page, error) {
	l.mu.Lock()
	l.queries = append(l.queries, q)
	l.mu.Unlock()
	return l.Store.List(ctx, tenant, rt, q)
}

// TestStartIndexWalkUsesKeyset shows that a sequential startIndex walk (how
// Okta imports users) continues each page from the keyset position where
// the previous page ended, instead of an OFFSET that reads every earlier
// row, and that the pages are the same as OFFSET would give.
func TestStartIndexWalkUsesKeyset(t *testing.T) {
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	log := &queryLog{Store: s}
	target := newTargets(t, log, slog.New(slog.DiscardHandler))(t)
	c := target.Client
	get := func(path string) map[string]any {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, target.BaseURL+path, nil)
		req.Header.Set("Authorization", "Bearer "+target.Token)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return out
	}
	set := schemas.Default()
	tenant, err := s.Tenant(t.Context(), "t1")
	if err != nil {
		t.Fatal(err)
	}
	var users []storage.Resource
	for i := range 25 {
		users = append(users, storage.Resource{Attributes: map[string]any{"userName": fmt.Sprintf("walk%02d", i)}})
	}
	if _, err := s.CreateMany(t.Context(), tenant.ID, &set.User, users); err != nil {
		t.Fatal(err)
	}

	var walked []string
	for start := 1; start <= 25; start += 10 {
		page := get(fmt.Sprintf("/Users?startIndex=%d&count=10", start))
		for _, r := range page["Resources"].([]any) {
			walked = append(walked, r.(map[string]any)["userName"].(string))
		}
	}
	log.mu.Lock()
	var pageQueries []storage.Query
	for _, q := range log.queries {
		if q.Count > 0 {
			pageQueries = append(pageQueries, q)
		}
	}
	log.mu.Unlock()
	if len(pageQueries) != 3 {
		t.Fatalf("%d page queries, want 3", len(pageQueries))
	}
	if pageQueries[0].Keyset {
		t.Errorf("page 1 used keyset pagination; want index")
	}
	for i, q := range pageQueries[1:] {
		if !q.Keyset || q.Cursor == "" {
			t.Errorf("page %d: Keyset=%v Cursor=%q; want a keyset continuation, not an OFFSET", i+2, q.Keyset, q.Cursor)
		}
	}
	if len(walked) != 25 {
		t.Fatalf("walked %d users, want 25: %v", len(walked), walked)
	}
	for i, name := range walked {
		if want := fmt.Sprintf("walk%02d", i); name != want {
			t.Fatalf("position %d: %s, want %s (the walk must equal OFFSET order)", i+1, name, want)
		}
	}
	// A jump to a page no walk has reached falls back to OFFSET and is
	// still right.
	page := get("/Users?startIndex=7&count=3")
	if got := page["Resources"].([]any)[0].(map[string]any)["userName"]; got != "walk06" {
		t.Errorf("startIndex=7 starts at %v, want walk06", got)
	}
}
