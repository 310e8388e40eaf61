package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
)

// Header is the header that carries a request's ID, in the request (the
// client's, optional) and in the response (always).
const Header = "X-Request-Id"

// MaxIDLength is the length of the longest request ID taken from a client.
const MaxIDLength = 128

// AttrKey is the key of the request ID in log lines.
const AttrKey = "request_id"

// requestID returns the client's request ID if it is sane (Sane), else a
// new one: 16 random bytes in hexadecimal.
func requestID(client string) string {
	if Sane(client) {
		return client
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// Sane reports whether a client's request ID is one scimd takes: 1 to
// MaxIDLength characters, each an ASCII letter or digit or one of "-_.:+/="
// (enough for UUIDs, hexadecimal, base64 and most tracing IDs; no space, no
// quote, nothing a log reader could mistake).
func Sane(id string) bool {
	if id == "" || len(id) > MaxIDLength {
		return false
	}
	for i := range len(id) {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '_', c == '.', c == ':', c == '+', c == '/', c == '=':
		default:
			return false
		}
	}
	return true
}

type idKey struct{}

// withID returns ctx with the request ID id, an immutable value.
func withID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, idKey{}, id)
}

// ID returns the ID of the request whose context is ctx, or "" if ctx is
// not a request's that went through Middleware.
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey{}).(string)
	return id
}

// NewHandler returns a slog.Handler that adds the request ID (AttrKey) of
// the record's context, when it holds one, to every record it passes to h:
// the lines a handler logs with its request's context (logger.InfoContext,
// ErrorContext, ...) carry the ID of the request log line.
func NewHandler(h slog.Handler) slog.Handler {
	if rh, ok := h.(*handler); ok {
		return rh
	}
	return &handler{h}
}

type handler struct{ next slog.Handler }

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if id := ID(ctx); id != "" {
		r.AddAttrs(slog.String(AttrKey, id))
	}
	return h.next.Handle(ctx, r)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &handler{h.next.WithAttrs(attrs)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{h.next.WithGroup(name)}
}
