package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// discardLogger returns a logger that drops every record.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// pingStore is a storage.Store whose Ping calls ping; its other methods
// are not implemented and panic.
type pingStore struct {
	storage.Store
	ping func(ctx context.Context) error
}

func (s pingStore) Ping(ctx context.Context) error { return s.ping(ctx) }
func (s pingStore) Close() error                   { return nil }

// get serves a GET of path from h and returns the status code and body.
func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(body)
}

func TestHealthz(t *testing.T) {
	down := pingStore{ping: func(context.Context) error { return errors.New("down") }}
	code, body := get(t, mustHandler(t, down), "/healthz")
	if code != http.StatusOK || body != "ok" {
		t.Errorf("GET /healthz with the database down = %d %q, want 200 \"ok\"", code, body)
	}
	rec := httptest.NewRecorder()
	mustHandler(t, down).ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodHead, "/healthz", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") == "" {
		t.Errorf("HEAD /healthz = %d, Content-Type %q, want GET's 200 and headers", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name     string
		ping     func(ctx context.Context) error
		wantCode int
	}{
		{
			name:     "database answers",
			ping:     func(context.Context) error { return nil },
			wantCode: http.StatusOK,
		},
		{
			name:     "database fails",
			ping:     func(context.Context) error { return storage.ErrUnavailable },
			wantCode: http.StatusServiceUnavailable,
		},
		{
			name: "ping is bounded",
			ping: func(ctx context.Context) error {
				deadline, ok := ctx.Deadline()
				if !ok || time.Until(deadline) > readyTimeout {
					return errors.New("ping without a deadline of at most readyTimeout")
				}
				return nil
			},
			wantCode: http.StatusOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, mustHandler(t, pingStore{ping: tt.ping}), "/readyz")
			if code != tt.wantCode {
				t.Errorf("GET /readyz = %d %q, want %d", code, body, tt.wantCode)
			}
		})
	}
}

func TestUnknownPath(t *testing.T) {
	up := pingStore{ping: func(context.Context) error { return nil }}
	if code, _ := get(t, mustHandler(t, up), "/nope"); code != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", code)
	}
}

func mustHandler(t *testing.T, store storage.Store) http.Handler {
	t.Helper()
	h, err := newHandler(store, discardLogger(), scim.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
