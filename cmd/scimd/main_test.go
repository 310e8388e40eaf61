package main

import (
	"errors"
	"strings"
	"testing"
)

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "no command"},
		{name: "unknown command", args: []string{"frobnicate"}},
		{name: "bad serve flag", args: []string{"serve", "--nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			err := run(t.Context(), tt.args, env(nil), &stdout, &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("run(%q) = %v, want errUsage", tt.args, err)
			}
			if code := exitCode(err, &stderr); code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), "Usage: scimd") {
				t.Errorf("stderr has no usage:\n%s", stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

func TestRunVersion(t *testing.T) {
	var stdout, stderr strings.Builder
	if err := run(t.Context(), []string{"version"}, env(nil), &stdout, &stderr); err != nil {
		t.Fatalf("run version: %v", err)
	}
	if !strings.HasPrefix(stdout.String(), "scimd ") {
		t.Errorf("version output = %q, want it to start with \"scimd \"", stdout.String())
	}
}

func TestExitCode(t *testing.T) {
	var stderr strings.Builder
	if code := exitCode(nil, &stderr); code != 0 {
		t.Errorf("exitCode(nil) = %d, want 0", code)
	}
	if code := exitCode(errors.New("boom"), &stderr); code != 1 {
		t.Errorf("exitCode(boom) = %d, want 1", code)
	}
	if got := stderr.String(); got != "scimd: boom\n" {
		t.Errorf("stderr = %q, want %q", got, "scimd: boom\n")
	}
}
