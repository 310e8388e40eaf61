package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects what run logs; the server writes to it from several
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs "scimd serve" with args in the background and returns the
// address it listens on, the buffer its JSON logs go to, and a function that
// stops it (as SIGTERM would) and returns run's result.
func startServe(t *testing.T, args ...string) (addr string, logs *syncBuffer, stop func() error) {
	t.Helper()
	return startServeOut(t, io.Discard, args...)
}

// startServeOut is startServe with the server's standard output going to
// stdout.
func startServeOut(t *testing.T, stdout io.Writer, args ...string) (addr string, logs *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = new(syncBuffer)
	var runErr error
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)
		runErr = run(ctx, args, env(nil), stdout, logs)
	}()
	stop = func() error {
		cancel()
		select {
		case <-finished:
			return runErr
		case <-time.After(30 * time.Second):
			t.Fatalf("serve did not stop within 30s; logs:\n%s", logs)
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-finished:
			t.Fatalf("serve returned before listening: %v; logs:\n%s", runErr, logs)
		case <-time.After(10 * time.Millisecond):
		}
		for line := range strings.Lines(logs.String()) {
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				return rec.Addr, logs, stop
			}
		}
	}
	t.Fatalf("serve did not listen within 30s; logs:\n%s", logs)
	return "", nil, nil
}

// fetch GETs url and returns the status code and body.
func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// TestServeSQLite starts the server on a fresh SQLite database in a
// directory that does not exist yet, checks the health endpoints, and shuts
// it down.
func TestServeSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "scimd.db")
	addr, logs, stop := startServe(t, "--db", "sqlite:"+path)

	if code, body := fetch(t, "http://"+addr+"/healthz"); code != http.StatusOK || body != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\"", code, body)
	}
	if code, body := fetch(t, "http://"+addr+"/readyz"); code != http.StatusOK || body != "ok" {
		t.Errorf("GET /readyz = %d %q, want 200 \"ok\"", code, body)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}

	if err := stop(); err != nil {
		t.Fatalf("serve: %v; logs:\n%s", err, logs)
	}
	for line := range strings.Lines(logs.String()) {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %q", line)
		}
	}
	for _, msg := range []string{`"msg":"opening database"`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(logs.String(), msg) {
			t.Errorf("logs lack %s:\n%s", msg, logs)
		}
	}
}

// TestServeHidesPassword opens a MySQL database that cannot be reached and
// checks that neither the logs nor the error show the password.
func TestServeHidesPassword(t *testing.T) {
	const password = "s3cret-pw"
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var logs syncBuffer
	args := []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--log-level", "debug",
		"--db", "mysql://scimd:" + password + "@127.0.0.1:1/scimd"}
	err := run(ctx, args, env(nil), io.Discard, &logs)
	if err == nil {
		t.Fatal("serve with an unreachable database succeeded")
	}
	if strings.Contains(logs.String(), password) || strings.Contains(err.Error(), password) {
		t.Errorf("password leaked:\nerror: %v\nlogs:\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "mysql://scimd:xxxxx@127.0.0.1:1/scimd") {
		t.Errorf("logs do not name the database (redacted):\n%s", logs.String())
	}
}
