package admin_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/storage"
	"github.com/scimd/scimd/storage/sqlite"
)

// TestUserExportOutlivesWriteTimeout exports more users than the socket
// buffers hold, from a server whose write timeout is one second, to a
// client that reads slowly: the whole file arrives, since each page has a
// write deadline of its own. Under the server's deadline alone the server
// is still writing when it passes, and the connection is cut.
func TestUserExportOutlivesWriteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 20,000 users")
	}
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "scimd.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	iss := newIssuer(t)
	auth, err := admin.NewAuthenticator(t.Context(), admin.OIDCConfig{Issuer: iss.url, Audience: audience})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	admin.NewHandler(admin.Config{Store: store, Auth: auth}).Register(mux)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.WriteTimeout = time.Second
	srv.Start()
	t.Cleanup(srv.Close)

	ten, err := store.CreateTenant(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	rt := userType(t, &env{t: t, store: store}, ten)
	// About 15 MB of CSV: more than the loopback socket buffers hold.
	const users, batch = 20_000, 2_000
	padding := strings.Repeat("a long display name to fill the pipe ", 16)
	for i := 0; i < users; i += batch {
		list := make([]storage.Resource, 0, batch)
		for j := i; j < i+batch; j++ {
			list = append(list, storage.Resource{Attributes: map[string]any{
				"userName":    fmt.Sprintf("user%06d", j),
				"displayName": fmt.Sprintf("User %06d %s", j, padding),
				"emails":      []any{map[string]any{"value": fmt.Sprintf("user%06d@example.com", j), "primary": true}},
			}})
		}
		if _, err := store.CreateMany(t.Context(), ten.ID, rt, list); err != nil {
			t.Fatal(err)
		}
	}

	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/admin/v1/tenants/acme/users/export", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	// Read slowly, so that the export lasts well past the write timeout.
	buf := make([]byte, 32<<10)
	var size, lines int
	start := time.Now()
	for {
		n, err := resp.Body.Read(buf)
		size += n
		for _, b := range buf[:n] {
			if b == '\n' {
				lines++
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the export was cut after %d bytes and %v: %v", size, time.Since(start), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("read %d bytes in %v", size, time.Since(start))
	if lines != users+1 {
		t.Errorf("the export has %d lines, want a header and %d users", lines, users)
	}
}
