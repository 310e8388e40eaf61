package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// debugReadHeaderTimeout is the read header timeout of the profiler's
// server (--debug-addr), which listens on loopback.
const debugReadHeaderTimeout = 10 * time.Second

// serveDebug serves the Go profiler on its own listener until ctx ends, so
// that profiles can be taken of a running server (make bench does) without
// exposing them on the API's address.
func serveDebug(ctx context.Context, addr string, logger *slog.Logger) error {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: debugReadHeaderTimeout}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() { _ = srv.Serve(ln) }()
	logger.Info("profiler listening", "addr", ln.Addr().String())
	return nil
}
