package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimd/scimd/scim/scimtest"
	"github.com/scimd/scimd/storage"
)

// TestBinaryHTTPConformance builds the scimd binary, starts it on SQLite,
// makes every tenant with "scimd tenant create --json" as a script would,
// and runs the HTTP conformance suite against it.
func TestBinaryHTTPConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "scimd")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := "sqlite:" + filepath.Join(dir, "scimd.db")
	serve := exec.CommandContext(context.WithoutCancel(t.Context()), bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = serve.Process.Kill()
		_ = serve.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("scimd did not start listening")
	}

	var n atomic.Int64
	client := &http.Client{Timeout: 30 * time.Second}
	scimtest.RunHTTPTests(t, func(t *testing.T) scimtest.Target {
		name := fmt.Sprintf("bin%d", n.Add(1))
		out, err := exec.CommandContext(t.Context(), bin, "tenant", "create", name, "--json", "--db", db).Output()
		if err != nil {
			t.Fatalf("tenant create: %v", err)
		}
		var created struct {
			Tenant   string `json:"tenant"`
			BasePath string `json:"scim_base_path"`
			Token    string `json:"token"`
		}
		if err := json.Unmarshal(out, &created); err != nil || created.Token == "" || !strings.HasSuffix(created.BasePath, "/scim/v2") {
			t.Fatalf("tenant create printed %q: %v", out, err)
		}
		revoke := func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), bin, "token", "list", "--tenant", name, "--json", "--db", db).Output()
			if err != nil {
				t.Fatalf("token list: %v", err)
			}
			var creds []struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(out, &creds); err != nil || len(creds) != 1 {
				t.Fatalf("token list printed %q (%v): want one credential", out, err)
			}
			if out, err := exec.CommandContext(t.Context(), bin, "token", "revoke", "--tenant", name, creds[0].ID, "--db", db).CombinedOutput(); err != nil {
				t.Fatalf("token revoke: %v: %s", err, out)
			}
		}
		// The CLI revokes through its own store: the server sees it within
		// its authentication cache's bound.
		return scimtest.Target{BaseURL: base + created.BasePath, Token: created.Token, Client: client,
			Revoke: revoke, RevokeBound: storage.AuthCacheTTL}
	})
}
