package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// buildScimd builds the scimd binary into a temporary directory.
func buildScimd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "scimd")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// A scimdProcess is a running "scimd serve".
type scimdProcess struct {
	cmd  *exec.Cmd
	base string // http://HOST:PORT
}

// startScimd starts "scimd serve" on db and an ephemeral port, and waits
// (at most 60 seconds) until it listens. The process is killed when t ends
// unless killed before.
func startScimd(t *testing.T, bin, db string) *scimdProcess {
	t.Helper()
	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), bin, "serve", "--addr", "127.0.0.1:0", "--db", db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &scimdProcess{cmd: cmd}
	t.Cleanup(p.kill)
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
	select {
	case a := <-addr:
		p.base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("scimd did not start listening")
	}
	return p
}

// kill sends SIGKILL (kill -9) and reaps the process.
func (p *scimdProcess) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// createTenantCLI makes a tenant with "scimd tenant create --json" and
// returns its SCIM base path and token.
func createTenantCLI(t *testing.T, bin, db, name string) (basePath, token string) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), bin, "tenant", "create", name, "--json", "--db", db).Output()
	if err != nil {
		t.Fatalf("tenant create: %v", err)
	}
	var created struct {
		BasePath string `json:"scim_base_path"`
		Token    string `json:"token"`
	}
	if err := json.Unmarshal(out, &created); err != nil || created.Token == "" {
		t.Fatalf("tenant create printed %q: %v", out, err)
	}
	return created.BasePath, created.Token
}

// A scimAPI sends requests to one tenant of a scimd.
type scimAPI struct {
	base, token string
	hc          *http.Client
}

// call sends a request and decodes a JSON answer into out (when not nil).
// It returns the status, or an error when no complete answer came.
func (a scimAPI) call(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if out != nil && len(raw) > 0 && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return 0, fmt.Errorf("%s %s: %w: %q", method, path, err, raw)
		}
	}
	return resp.StatusCode, nil
}

// acks are the writes a crash load saw acknowledged with a 2xx.
type acks struct {
	mu      sync.Mutex
	users   map[string]string // id → userName, of acknowledged creates
	titles  map[string]string // id → title, of acknowledged PATCHes
	members map[string]string // user id → group id, of acknowledged member adds
	n       atomic.Int64      // acknowledgements so far
}

// crashLoad runs workers that create users (distinct userNames), PATCH
// each one's title and add it to one of groups, until a request gets no
// answer (the server died) or ctx ends, recording every 2xx.
func crashLoad(ctx context.Context, a scimAPI, groups []string, workers int, ak *acks) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				userName := fmt.Sprintf("crash-%d-%d", w, i)
				var u struct{ ID string }
				code, err := a.call(ctx, http.MethodPost, "/Users", userBody(userName), &u)
				if err != nil {
					return
				}
				if code != http.StatusCreated {
					continue
				}
				ak.mu.Lock()
				ak.users[u.ID] = userName
				ak.mu.Unlock()
				ak.n.Add(1)
				title := "title of " + userName
				code, err = a.call(ctx, http.MethodPatch, "/Users/"+u.ID, patchOp("replace", "title", title), nil)
				if err != nil {
					return
				}
				if code/100 == 2 {
					ak.mu.Lock()
					ak.titles[u.ID] = title
					ak.mu.Unlock()
					ak.n.Add(1)
				}
				g := groups[(w+i)%len(groups)]
				code, err = a.call(ctx, http.MethodPatch, "/Groups/"+g, patchOp("add", "members", []any{map[string]any{"value": u.ID}}), nil)
				if err != nil {
					return
				}
				if code/100 == 2 {
					ak.mu.Lock()
					ak.members[u.ID] = g
					ak.mu.Unlock()
					ak.n.Add(1)
				}
			}
		})
	}
	wg.Wait()
}

func patchOp(op, path string, value any) map[string]any {
	return map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": op, "path": path, "value": value}},
	}
}

// crashAckTarget is how many acknowledgements the load collects before the
// kill; the load goes on until the process dies.
const crashAckTarget = 150

// TestCrashSQLite and TestCrashMySQL kill -9 scimd during a write load and
// restart it on the same database: every write acknowledged with a 2xx is
// there with its acknowledged content, and nothing is half-written.
func TestCrashSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	testCrash(t, "sqlite:"+filepath.Join(t.TempDir(), "scimd.db"))
}

func TestCrashMySQL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := os.Getenv("SCIMD_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("SCIMD_TEST_MYSQL_DSN not set")
	}
	testCrash(t, mysqlTestDB(t, dsn))
}

func testCrash(t *testing.T, db string) {
	bin := buildScimd(t)
	basePath, token := createTenantCLI(t, bin, db, "crash")
	hc := &http.Client{Timeout: 30 * time.Second}
	proc := startScimd(t, bin, db)
	a := scimAPI{base: proc.base + basePath, token: token, hc: hc}
	var groups []string
	for i := range 3 {
		var g struct{ ID string }
		code, err := a.call(t.Context(), http.MethodPost, "/Groups", map[string]any{
			"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": fmt.Sprintf("crash group %d", i),
		}, &g)
		if err != nil || code != http.StatusCreated {
			t.Fatalf("create group: %d %v", code, err)
		}
		groups = append(groups, g.ID)
	}

	ak := &acks{users: map[string]string{}, titles: map[string]string{}, members: map[string]string{}}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		crashLoad(ctx, a, groups, 4, ak)
	}()
	for ak.n.Load() < crashAckTarget {
		select {
		case <-done:
			t.Fatalf("the load stopped after %d acknowledgements, before the kill", ak.n.Load())
		case <-time.After(10 * time.Millisecond):
		}
	}
	proc.kill() // SIGKILL mid-load
	<-done

	proc = startScimd(t, bin, db)
	a.base = proc.base + basePath
	lost := verifyAcks(t, a, ak)
	verifyWhole(t, a, groups)
	t.Logf("FIGURES crash %s: acknowledged writes %d (creates %d, PATCHes %d, member adds %d); lost %d",
		strings.SplitN(db, ":", 2)[0], ak.n.Load(), len(ak.users), len(ak.titles), len(ak.members), lost)
}

// verifyAcks checks that every acknowledged write is present with its
// acknowledged content, and returns how many are not.
func verifyAcks(t *testing.T, a scimAPI, ak *acks) int {
	t.Helper()
	ctx := t.Context()
	lost := 0
	for id, userName := range ak.users {
		var u struct {
			ID       string `json:"id"`
			UserName string `json:"userName"`
			Title    string `json:"title"`
		}
		code, err := a.call(ctx, http.MethodGet, "/Users/"+id, nil, &u)
		if err != nil || code != http.StatusOK || u.UserName != userName {
			t.Errorf("acknowledged user %s (%s): GET = %d %v, userName %q", id, userName, code, err, u.UserName)
			lost++
			continue
		}
		if want, ok := ak.titles[id]; ok && u.Title != want {
			t.Errorf("acknowledged PATCH of %s: title %q, want %q", id, u.Title, want)
			lost++
		}
	}
	groupMembers := map[string]map[string]bool{}
	for uid, g := range ak.members {
		if groupMembers[g] == nil {
			groupMembers[g] = map[string]bool{}
			var grp struct {
				Members []struct{ Value string } `json:"members"`
			}
			if code, err := a.call(ctx, http.MethodGet, "/Groups/"+g, nil, &grp); err != nil || code != http.StatusOK {
				t.Fatalf("GET group %s: %d %v", g, code, err)
			}
			for _, m := range grp.Members {
				groupMembers[g][m.Value] = true
			}
		}
		if !groupMembers[g][uid] {
			t.Errorf("acknowledged member add of %s to group %s: not a member after the restart", uid, g)
			lost++
		}
	}
	return lost
}

// verifyWhole checks that nothing is half-written: the list of users
// counts what it lists, every user is found by its userName, and every
// member of a group is a user that exists.
func verifyWhole(t *testing.T, a scimAPI, groups []string) {
	t.Helper()
	ctx := t.Context()
	type user struct {
		ID       string `json:"id"`
		UserName string `json:"userName"`
	}
	var all []user
	total := -1
	for start := 1; ; start += 500 {
		var page struct {
			TotalResults int    `json:"totalResults"`
			Resources    []user `json:"Resources"`
		}
		if code, err := a.call(ctx, http.MethodGet, fmt.Sprintf("/Users?startIndex=%d&count=500&attributes=userName", start), nil, &page); err != nil || code != http.StatusOK {
			t.Fatalf("list users: %d %v", code, err)
		}
		if total >= 0 && page.TotalResults != total {
			t.Errorf("totalResults changed between pages: %d then %d", total, page.TotalResults)
		}
		total = page.TotalResults
		all = append(all, page.Resources...)
		if len(page.Resources) == 0 || len(all) >= total {
			break
		}
	}
	if len(all) != total {
		t.Errorf("List: totalResults %d, %d users listed", total, len(all))
	}
	exists := map[string]bool{}
	for _, u := range all {
		exists[u.ID] = true
		var found struct {
			TotalResults int `json:"totalResults"`
			Resources    []struct {
				ID string `json:"id"`
			} `json:"Resources"`
		}
		filter := url.QueryEscape(fmt.Sprintf("userName eq %q", u.UserName))
		if code, err := a.call(ctx, http.MethodGet, "/Users?filter="+filter, nil, &found); err != nil || code != http.StatusOK ||
			found.TotalResults != 1 || len(found.Resources) != 1 || found.Resources[0].ID != u.ID {
			t.Errorf("user %s (%s): filter by userName = %d %v, %+v; want exactly that user", u.ID, u.UserName, code, err, found)
		}
	}
	for _, g := range groups {
		var grp struct {
			Members []struct{ Value string } `json:"members"`
		}
		if code, err := a.call(ctx, http.MethodGet, "/Groups/"+g, nil, &grp); err != nil || code != http.StatusOK {
			t.Fatalf("GET group %s: %d %v", g, code, err)
		}
		for _, m := range grp.Members {
			if !exists[m.Value] {
				t.Errorf("group %s has member %s, which is not a listed user", g, m.Value)
			}
		}
	}
}
