package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scimd/scimd/admin"
	"github.com/scimd/scimd/scim"
)

// Built-in defaults of the serve flags.
const (
	defaultAddr      = "127.0.0.1:8080"
	defaultDB        = "sqlite:./data/scimd.db"
	defaultLogFormat = "text"
	defaultLogLevel  = "info"
	minCursorKey     = 32
	// maxPasswordMinLength bounds --password-min-length.
	maxPasswordMinLength = 1024
)

// serveConfig is the configuration of the serve command.
type serveConfig struct {
	addr      string     // listen address, host:port
	db        string     // sqlite:PATH or mysql://...
	logFormat string     // text or json
	logLevel  slog.Level // minimum level logged
	cursorKey string     // secret that signs pagination cursors; random per process if empty
	debugAddr string     // listen address of the pprof endpoints; off if empty
	// passwordMinLength is the shortest password, in characters, a user
	// may be given.
	passwordMinLength int
	// documentationURI is the documentationUri of /ServiceProviderConfig;
	// left out when empty.
	documentationURI string
	// oidc configures the admin API's token verification; the admin API
	// is off when oidc.Issuer is empty.
	oidc admin.OIDCConfig
	// limits are the request limits and the HTTP server's timeouts.
	limits serveLimits
}

// parseServeFlags reads the serve configuration from args and the
// environment. A value comes from, in rising order of precedence: the
// built-in default, the environment variable, the flag. Errors have already
// been written to stderr; they are flag.ErrHelp or wrap errUsage.
func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	orEnv := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var cfg serveConfig
	var level, minLength, algs string
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", orEnv("SCIMD_ADDR", defaultAddr), "listen `address` (env SCIMD_ADDR)")
	fs.StringVar(&cfg.db, "db", defaultDB, "`database`: sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DBNAME?params (env SCIMD_DB)")
	fs.StringVar(&cfg.logFormat, "log-format", orEnv("SCIMD_LOG_FORMAT", defaultLogFormat), "log `format`: text or json (env SCIMD_LOG_FORMAT)")
	fs.StringVar(&level, "log-level", orEnv("SCIMD_LOG_LEVEL", defaultLogLevel), "minimum log `level`: debug, info, warn or error (env SCIMD_LOG_LEVEL)")
	fs.StringVar(&cfg.cursorKey, "cursor-key", "", "`key` that signs pagination cursors, at least 32 characters; instances behind one load balancer must share it (env SCIMD_CURSOR_KEY; default: random per process)")
	fs.StringVar(&minLength, "password-min-length", orEnv("SCIMD_PASSWORD_MIN_LENGTH", strconv.Itoa(scim.DefaultPasswordMinLength)), "shortest password, in `characters`, users may be given (env SCIMD_PASSWORD_MIN_LENGTH)")
	fs.StringVar(&cfg.documentationURI, "documentation-uri", orEnv("SCIMD_DOCUMENTATION_URI", ""), "`URL` of the operator's documentation for SCIM clients, published as documentationUri in /ServiceProviderConfig; left out when empty (env SCIMD_DOCUMENTATION_URI)")
	fs.StringVar(&cfg.debugAddr, "debug-addr", orEnv("SCIMD_DEBUG_ADDR", ""), "listen `address` of the Go profiler (/debug/pprof/); off when empty; keep it on loopback (env SCIMD_DEBUG_ADDR)")
	fs.StringVar(&cfg.oidc.Issuer, "oidc-issuer", orEnv("SCIMD_OIDC_ISSUER", ""), "OIDC issuer `URL` of admin API tokens; the admin API (/admin/v1) is off when empty (env SCIMD_OIDC_ISSUER)")
	fs.StringVar(&cfg.oidc.Audience, "oidc-audience", orEnv("SCIMD_OIDC_AUDIENCE", ""), "`audience` (aud) admin API tokens must carry; required with --oidc-issuer (env SCIMD_OIDC_AUDIENCE)")
	fs.StringVar(&cfg.oidc.RolesClaim, "oidc-roles-claim", orEnv("SCIMD_OIDC_ROLES_CLAIM", admin.DefaultRolesClaim), "token `claim` holding the admin roles: platform_admin, tenant_admin, auditor (env SCIMD_OIDC_ROLES_CLAIM)")
	fs.StringVar(&cfg.oidc.TenantsClaim, "oidc-tenants-claim", orEnv("SCIMD_OIDC_TENANTS_CLAIM", admin.DefaultTenantsClaim), "token `claim` listing the tenants of a tenant_admin or auditor (env SCIMD_OIDC_TENANTS_CLAIM)")
	fs.StringVar(&algs, "oidc-signing-algs", orEnv("SCIMD_OIDC_SIGNING_ALGS", strings.Join(admin.DefaultSigningAlgs, ",")), "comma-separated JWS `algorithms` accepted in admin API tokens (env SCIMD_OIDC_SIGNING_ALGS)")
	readLimits := registerLimitFlags(fs, orEnv, &cfg.limits)
	fs.Usage = func() {
		_, _ = fmt.Fprint(fs.Output(), "Usage: scimd serve [flags]\n\nFlags given on the command line override environment variables, which override the defaults shown.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return serveConfig{}, err
		}
		return serveConfig{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	// Secrets from the environment are read after parsing, so that help
	// output, which prints defaults, never shows them.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["db"] {
		cfg.db = orEnv("SCIMD_DB", defaultDB)
	}
	if !set["cursor-key"] {
		cfg.cursorKey = getenv("SCIMD_CURSOR_KEY")
	}
	for a := range strings.SplitSeq(algs, ",") {
		if a = strings.TrimSpace(a); a != "" {
			cfg.oidc.SigningAlgs = append(cfg.oidc.SigningAlgs, a)
		}
	}
	err := validate(fs, &cfg, level, minLength)
	if err == nil {
		err = readLimits()
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "scimd serve: %v\n", err)
		return serveConfig{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	return cfg, nil
}

// validate checks the values parsed by fs and fills cfg.logLevel.
func validate(fs *flag.FlagSet, cfg *serveConfig, level, minLength string) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" {
		return fmt.Errorf("invalid log format %q: want text or json", cfg.logFormat)
	}
	if err := cfg.logLevel.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("invalid log level %q: want debug, info, warn or error", level)
	}
	n, err := strconv.Atoi(minLength)
	if err != nil || n < 1 || n > maxPasswordMinLength {
		return fmt.Errorf("invalid password minimum length %q: want a number of characters from 1 to %d", minLength, maxPasswordMinLength)
	}
	cfg.passwordMinLength = n
	if cfg.cursorKey != "" && len(cfg.cursorKey) < minCursorKey {
		return fmt.Errorf("the cursor key must be at least %d characters", minCursorKey)
	}
	if _, _, err := parseDB(cfg.db); err != nil {
		return err
	}
	if u := cfg.documentationURI; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fmt.Errorf("invalid documentation URI %q: want an absolute https:// URL", u)
		}
	}
	return validateOIDC(cfg.oidc)
}

// allowedSigningAlgs are the JWS algorithms --oidc-signing-algs may name:
// asymmetric ones only, as go-oidc verifies.
var allowedSigningAlgs = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}

// validateOIDC checks the admin API's OIDC settings.
func validateOIDC(c admin.OIDCConfig) error {
	if c.Issuer == "" {
		return nil
	}
	u, err := url.Parse(c.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("invalid OIDC issuer %q: want an https:// URL", c.Issuer)
	}
	if c.Audience == "" {
		return errors.New("--oidc-audience is required with --oidc-issuer")
	}
	if c.RolesClaim == "" || c.TenantsClaim == "" {
		return errors.New("the OIDC roles and tenants claims must not be empty")
	}
	if len(c.SigningAlgs) == 0 {
		return errors.New("--oidc-signing-algs must name at least one algorithm")
	}
	for _, a := range c.SigningAlgs {
		if !slices.Contains(allowedSigningAlgs, a) {
			return fmt.Errorf("unsupported OIDC signing algorithm %q: want some of %s", a, strings.Join(allowedSigningAlgs, ", "))
		}
	}
	return nil
}

// apiConfig is the SCIM handler's configuration, without Store and Logger.
func (c serveConfig) apiConfig() scim.Config {
	api := c.limits.scimConfig()
	api.CursorKey = []byte(c.cursorKey)
	api.PasswordMinLength = c.passwordMinLength
	api.DocumentationURI = c.documentationURI
	return api
}
