package main

import (
	"io"
	"log/slog"

	"github.com/scimd/scimd/internal/reqlog"
)

// newLogger returns a logger that writes records of at least level to w, as
// logfmt-style text or as one JSON object per line. A record logged with a
// request's context carries the request's ID (reqlog.NewHandler).
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(reqlog.NewHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(reqlog.NewHandler(slog.NewTextHandler(w, opts)))
}
