package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/storage"
)

// shutdownTimeout lets requests in flight finish at shutdown.
const shutdownTimeout = 20 * time.Second

// runServe runs the serve command: it opens the database, serves HTTP until
// ctx is canceled, shuts the server down gracefully and closes the
// database. Logs go to stderr. On the first start, when the database has no
// tenant, it creates one (see bootstrapTenant) and prints its token to
// stdout, the only thing serve ever prints there.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, cfg.logFormat, cfg.logLevel)

	store, err := openStore(ctx, cfg.db, logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close database: %w", cerr))
		}
	}()

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return err
	}
	if err := bootstrapTenant(ctx, store, ln.Addr(), stdout, logger); err != nil {
		_ = ln.Close()
		return err
	}
	if cfg.debugAddr != "" {
		if err := serveDebug(ctx, cfg.debugAddr, logger); err != nil {
			_ = ln.Close()
			return err
		}
	}
	adminAuth, err := newAdminAuth(ctx, cfg.oidc, logger)
	if err != nil {
		_ = ln.Close()
		return err
	}
	h, err := newHandler(store, logger, cfg.apiConfig(), adminAuth)
	if err != nil {
		_ = ln.Close()
		return err
	}
	return serveHTTP(ctx, ln, h, cfg.limits, logger)
}

// bootstrapTenant makes a new installation usable: when the database has no
// tenant at all, it creates the tenant "default" with a credential and
// prints the tenant's SCIM base URL and the bearer token to stdout. The
// token is printed this once and never logged; the log says only that it
// was printed. When another instance wins the race to create the tenant,
// this one leaves it be.
func bootstrapTenant(ctx context.Context, store storage.Store, addr net.Addr, stdout io.Writer, logger *slog.Logger) error {
	tenants, err := store.Tenants(ctx)
	if err != nil {
		return fmt.Errorf("list tenants: %w", err)
	}
	if len(tenants) > 0 {
		return nil
	}
	token, err := createTenantWithToken(ctx, store, defaultTenant)
	if errors.Is(err, storage.ErrConflict) {
		logger.Info("tenant created by another instance", "tenant", defaultTenant)
		return nil
	}
	if err != nil {
		return err
	}
	url := "http://" + advertisedHost(addr) + scimBasePath(defaultTenant)
	_, err = fmt.Fprintf(stdout, "No tenants yet: created tenant %q with a SCIM credential.\n"+
		"SCIM base URL: %s\n"+
		"Bearer token:  %s\n"+
		"The token is shown only this once; scimd keeps only its hash. "+
		"Make more with \"scimd token create\".\n",
		defaultTenant, url, token)
	if err != nil {
		logger.Warn("could not print the token of the new tenant; make one with \"scimd token create\"",
			"tenant", defaultTenant, "err", err)
		return nil
	}
	logger.Info("created the first tenant and printed its SCIM base URL and bearer token to standard output (once)",
		"tenant", defaultTenant, "scim_base_url", url)
	return nil
}

// newAdminAuth returns the admin API's authenticator, or nil, and says so
// in the log, when no OIDC issuer is configured. It reads the issuer's
// discovery document: serve does not start when the issuer cannot be
// reached.
func newAdminAuth(ctx context.Context, cfg admin.OIDCConfig, logger *slog.Logger) (*admin.Authenticator, error) {
	if cfg.Issuer == "" {
		logger.Info("admin API off: no OIDC issuer configured (--oidc-issuer, SCIMD_OIDC_ISSUER); /admin/v1 answers 404")
		return nil, nil
	}
	dctx, cancel := context.WithTimeout(ctx, oidcDiscoveryTimeout)
	defer cancel()
	a, err := admin.NewAuthenticator(dctx, cfg)
	if err != nil {
		return nil, err
	}
	logger.Info("admin API on", "path", admin.Prefix, "oidc_issuer", cfg.Issuer, "oidc_audience", cfg.Audience,
		"roles_claim", cfg.RolesClaim, "tenants_claim", cfg.TenantsClaim, "signing_algs", cfg.SigningAlgs)
	return a, nil
}

// oidcDiscoveryTimeout bounds the read of the OIDC discovery document at
// start.
const oidcDiscoveryTimeout = 15 * time.Second

// defaultTenant is the tenant the first start of serve creates.
const defaultTenant = "default"

// advertisedHost is host:port of the listener for URLs shown to people: an
// unspecified address (0.0.0.0, ::) becomes localhost.
func advertisedHost(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// serveHTTP serves h on ln until ctx is canceled, then shuts down
// gracefully, waiting up to shutdownTimeout for requests in flight. The
// timeouts of lim bound what a slow client holds: a connection that does
// not send its headers in time (slowloris) is closed.
func serveHTTP(ctx context.Context, ln net.Listener, h http.Handler, lim serveLimits, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.readHeaderTimeout,
		ReadTimeout:       lim.readTimeout,
		WriteTimeout:      lim.writeTimeout,
		IdleTimeout:       lim.idleTimeout,
		MaxHeaderBytes:    lim.maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still running: cut their connections.
		return errors.Join(fmt.Errorf("shutdown: %w", err), srv.Close())
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	logger.Info("stopped")
	return nil
}
