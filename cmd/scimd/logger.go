package main

import (
	"io"
	"log/slog"
)

// newLogger returns a logger that writes records of at least level to w, as
// logfmt-style text or as one JSON object per line.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
