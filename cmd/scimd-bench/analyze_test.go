package main

import (
	"io"
	"testing"
)

func TestAnalyzeAfterSeed(t *testing.T) {
	for _, c := range []struct {
		when, kind string
		want       bool
	}{
		{"auto", "mysql", true},
		{"auto", "sqlite", false},
		{"yes", "sqlite", true},
		{"no", "mysql", false},
	} {
		if got := analyzeAfterSeed(c.when, c.kind); got != c.want {
			t.Errorf("analyzeAfterSeed(%q, %q) = %v, want %v", c.when, c.kind, got, c.want)
		}
	}
	if _, err := parseFlags([]string{"--analyze", "sometimes"}, io.Discard); err == nil {
		t.Error("--analyze sometimes was accepted")
	}
	if c, err := parseFlags([]string{"--quick"}, io.Discard); err != nil || c.analyze != "auto" {
		t.Errorf("default --analyze = %q, %v; want auto", c.analyze, err)
	}
}
