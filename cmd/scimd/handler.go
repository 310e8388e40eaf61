package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/internal/reqlog"
	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// readyTimeout bounds the database ping of /readyz.
const readyTimeout = 2 * time.Second

// newHandler returns scimd's HTTP handler: the health endpoints, the
// metrics and the SCIM API of every tenant, each request counted
// (httpMetrics) and logged (package reqlog, route logRoute).
//
//	GET /healthz  200 "ok" whenever the process serves HTTP (liveness)
//	GET /readyz   200 "ok" when the database answers a ping within
//	              readyTimeout, else 503 (readiness)
//	GET /metrics  Prometheus metrics: every request (httpMetrics), the
//	              database pools, the Go runtime and the process
//	/tenants/{tenant}/scim/v2/...  SCIM 2.0 (package scim)
//	/admin/v1/...  the admin API (package admin); 404 when adminAuth is
//	              nil
//
// The metrics registry is the handler's own: no global state.
//
// api configures the SCIM API; newHandler sets its Store and Logger.
func newHandler(store storage.Store, logger *slog.Logger, api scim.Config, adminAuth *admin.Authenticator) (http.Handler, error) {
	reg, err := newRegistry(store)
	if err != nil {
		return nil, err
	}
	metrics, err := newHTTPMetrics(reg)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	// Both doors serve users, groups and apps through one directory
	// service, with one schema registry.
	dir, err := directory.New(directory.Config{Store: store,
		PasswordMinLength: api.PasswordMinLength, MaxMultiValues: api.MaxMultiValues})
	if err != nil {
		return nil, err
	}
	api.Store, api.Logger, api.Directory = store, logger, dir
	scimHandler, err := scim.NewHandler(api)
	if err != nil {
		return nil, err
	}
	scimHandler.Register(mux)
	admin.NewHandler(admin.Config{Store: store, Directory: dir, Logger: logger, Auth: adminAuth}).Register(mux)
	mux.Handle("GET "+pathMetrics, metricsHandler(reg, logger))
	mux.HandleFunc("GET "+pathHealthz, func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET "+pathReadyz, func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			logger.WarnContext(ctx, "readiness check failed", "err", err)
			writeText(w, http.StatusServiceUnavailable, "database unavailable")
			return
		}
		writeText(w, http.StatusOK, "ok")
	})
	return reqlog.Middleware(metrics.instrument(mux), logger, routeLabel), nil
}

// writeText writes a short plain-text response.
func writeText(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}
