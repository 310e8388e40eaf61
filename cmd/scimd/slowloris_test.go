package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeSlowloris runs serve with short timeouts and opens many
// connections that send a request's headers a byte at a time and never
// finish them: the server closes every one, and a normal request made
// meanwhile succeeds. The timeouts below bound the test, not the server's
// speed: a connection still open at its own deadline fails the test.
func TestServeSlowloris(t *testing.T) {
	const conns = 20
	addr, logs, _ := startServe(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "scimd.db"),
		"--read-header-timeout", "1s", "--read-timeout", "2s", "--write-timeout", "5s", "--idle-timeout", "2s")

	var wg sync.WaitGroup
	errs := make(chan error, conns)
	started := make(chan struct{}, conns)
	for range conns {
		wg.Go(func() { errs <- dribble(t.Context(), addr, started) })
	}
	for range conns {
		<-started
	}
	// Every slow client is connected and dribbling: a normal client is
	// still served.
	if code, body := fetch(t, "http://"+addr+"/healthz"); code != http.StatusOK || body != "ok" {
		t.Errorf("GET /healthz among slow clients = %d %q, want 200 \"ok\"", code, body)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.Logf("logs:\n%s", logs)
	}
}

// dribble connects to addr, starts a request and sends one more header
// byte every 50ms. It returns nil once the server has closed the
// connection, and an error if it is still open after 60s.
func dribble(ctx context.Context, addr string, started chan<- struct{}) error {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		started <- struct{}{}
		return err
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	_, err = conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: scimd\r\nX-Slow: "))
	started <- struct{}{}
	if err != nil {
		return err
	}
	closed := make(chan error, 1)
	go func() {
		// The server answers nothing to a request it never got whole:
		// the read ends when it closes the connection.
		n, err := bufio.NewReader(conn).Discard(1 << 20)
		if n > 0 && !strings.Contains(err.Error(), "EOF") {
			err = errors.Join(err, errors.New("unexpected response bytes"))
		}
		closed <- err
	}()
	sent := 0
	for {
		select {
		case err := <-closed:
			return checkClosed(err, sent)
		case <-time.After(50 * time.Millisecond):
			if _, err := conn.Write([]byte("a")); err != nil {
				// The server closed it; the reader says so too.
				return checkClosed(<-closed, sent)
			}
			sent++
		}
	}
}

// checkClosed says whether the reader of a dribbling connection saw the
// server close it after some bytes were dribbled.
func checkClosed(err error, sent int) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errors.New("the server kept a slowloris connection open for 60s")
	}
	if sent == 0 {
		return errors.New("the server closed the connection before it dribbled any byte")
	}
	return nil
}

// TestServeHeaderLimit checks --max-header-bytes: larger headers get 431
// and the server goes on serving.
func TestServeHeaderLimit(t *testing.T) {
	addr, _, _ := startServe(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "scimd.db"), "--max-header-bytes", "4096")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Big", strings.Repeat("b", 16<<10))
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("16 KiB of headers over a 4096-byte limit: %d, want 431", resp.StatusCode)
	}
	if code, _ := fetch(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz after: %d", code)
	}
}
