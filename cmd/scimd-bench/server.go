package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// A server is a running scimd process.
type server struct {
	cmd  *exec.Cmd
	addr string // 127.0.0.1:PORT
	log  string // the file of its standard output and error
	done chan error
}

// buildScimd builds ./cmd/scimd of the module in the working directory
// into dir and returns the binary's path.
func buildScimd(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "scimd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/scimd")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/scimd (run scimd-bench from the repository's root): %w", err)
	}
	return bin, nil
}

// startServer runs "scimd serve" on a free port of 127.0.0.1 with the given
// database and extra arguments, logging to a file in dir, and waits until
// /healthz answers.
func startServer(ctx context.Context, bin, db, dir string, extra []string) (*server, error) {
	addr, err := freeAddr(ctx)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "scimd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer func() { _ = logFile.Close() }() // the child has its own descriptor
	// The server outlives ctx's cancellation: stop ends it, gracefully.
	args := append([]string{"serve", "--addr", addr, "--db", db, "--log-level", "warn"}, extra...)
	cmd := exec.CommandContext(context.WithoutCancel(ctx), bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Should the benchmark die without stopping it, the server goes too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start scimd: %w", err)
	}
	s := &server{cmd: cmd, addr: addr, log: logPath, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	if err := s.waitHealthy(ctx, 60*time.Second); err != nil {
		_ = s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("scimd exited before it served (%w); see %s", err, s.log)
		default:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.addr+"/healthz", nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("scimd did not answer /healthz on %s within %s; see %s", s.addr, limit, s.log)
}

// stop sends SIGTERM and waits for scimd to shut down, killing it after
// 30 seconds.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case err := <-s.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("scimd exited with %w; see %s", exit, s.log)
		}
		return err
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		err := <-s.done
		return fmt.Errorf("scimd did not stop within 30s after SIGTERM; killed (%w); see %s", err, s.log)
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago.
func freeAddr(ctx context.Context) (string, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}
