package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/scimd/scimd/storage"
)

// readyTimeout bounds the database ping of /readyz.
const readyTimeout = 2 * time.Second

// newHandler returns scimd's HTTP handler: the health endpoints and, once
// they exist, the SCIM and admin APIs.
//
//	GET /healthz  200 "ok" whenever the process serves HTTP (liveness)
//	GET /readyz   200 "ok" when the database answers a ping within
//	              readyTimeout, else 503 (readiness)
func newHandler(store storage.Store, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			logger.WarnContext(ctx, "readiness check failed", "err", err)
			writeText(w, http.StatusServiceUnavailable, "database unavailable")
			return
		}
		writeText(w, http.StatusOK, "ok")
	})
	// The SCIM routes (/tenants/{tenant}/scim/v2/...) mount here, as a
	// handler from package scim that is given the store.
	return mux
}

// writeText writes a short plain-text response.
func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}
