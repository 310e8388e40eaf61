package main

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scimd/scimd/admin"
)

// defaultOIDC is the OIDC configuration serve has without OIDC flags or
// environment: the admin API off.
var defaultOIDC = admin.OIDCConfig{RolesClaim: "scimd_roles", TenantsClaim: "scimd_tenants", SigningAlgs: []string{"RS256", "ES256"}}

// env returns a getenv function that reads from m.
func env(m map[string]string) func(string) string {
	return func(name string) string { return m[name] }
}

func TestParseServeFlagsPrecedence(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want serveConfig
	}{
		{
			name: "defaults",
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8},
		},
		{
			name: "environment overrides defaults",
			env: map[string]string{
				"SCIMD_ADDR":       "0.0.0.0:9000",
				"SCIMD_DB":         "mysql://scimd:pw@db:3306/scimd",
				"SCIMD_LOG_FORMAT": "json",
				"SCIMD_LOG_LEVEL":  "debug",
			},
			want: serveConfig{addr: "0.0.0.0:9000", db: "mysql://scimd:pw@db:3306/scimd", logFormat: "json", logLevel: slog.LevelDebug, passwordMinLength: 8},
		},
		{
			name: "flags override defaults",
			args: []string{"--addr", ":9001", "--db=sqlite:/var/lib/scimd/scimd.db", "-log-format", "json", "-log-level=warn"},
			want: serveConfig{addr: ":9001", db: "sqlite:/var/lib/scimd/scimd.db", logFormat: "json", logLevel: slog.LevelWarn, passwordMinLength: 8},
		},
		{
			name: "flags override environment",
			env:  map[string]string{"SCIMD_ADDR": "0.0.0.0:9000", "SCIMD_DB": "sqlite:/env.db", "SCIMD_LOG_LEVEL": "debug"},
			args: []string{"--addr", ":9001", "--db", "sqlite:/flag.db", "--log-level", "error"},
			want: serveConfig{addr: ":9001", db: "sqlite:/flag.db", logFormat: "text", logLevel: slog.LevelError, passwordMinLength: 8},
		},
		{
			name: "flag equal to the default still overrides environment",
			env:  map[string]string{"SCIMD_ADDR": "0.0.0.0:9000"},
			args: []string{"--addr", defaultAddr},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8},
		},
		{
			name: "empty environment variable is unset",
			env:  map[string]string{"SCIMD_ADDR": "", "SCIMD_DB": ""},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8},
		},
		{
			name: "password minimum length from the environment",
			env:  map[string]string{"SCIMD_PASSWORD_MIN_LENGTH": "12"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 12},
		},
		{
			name: "password minimum length flag overrides environment",
			env:  map[string]string{"SCIMD_PASSWORD_MIN_LENGTH": "12"},
			args: []string{"--password-min-length", "10"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 10},
		},
		{
			name: "environment for one flag, flag for another",
			env:  map[string]string{"SCIMD_DB": "sqlite:/env.db"},
			args: []string{"--addr", ":9001"},
			want: serveConfig{addr: ":9001", db: "sqlite:/env.db", logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8},
		},
		{
			name: "OIDC from the environment",
			env: map[string]string{"SCIMD_OIDC_ISSUER": "https://idp.example.com", "SCIMD_OIDC_AUDIENCE": "scimd-admin",
				"SCIMD_OIDC_ROLES_CLAIM": "roles", "SCIMD_OIDC_TENANTS_CLAIM": "tenants", "SCIMD_OIDC_SIGNING_ALGS": "ES256"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8,
				oidc: admin.OIDCConfig{Issuer: "https://idp.example.com", Audience: "scimd-admin", RolesClaim: "roles", TenantsClaim: "tenants", SigningAlgs: []string{"ES256"}}},
		},
		{
			name: "OIDC flags override environment",
			env:  map[string]string{"SCIMD_OIDC_ISSUER": "https://env.example.com", "SCIMD_OIDC_AUDIENCE": "env"},
			args: []string{"--oidc-issuer", "https://flag.example.com", "--oidc-audience", "flag", "--oidc-roles-claim", "r",
				"--oidc-tenants-claim", "t", "--oidc-signing-algs", "RS256, PS256"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8,
				oidc: admin.OIDCConfig{Issuer: "https://flag.example.com", Audience: "flag", RolesClaim: "r", TenantsClaim: "t", SigningAlgs: []string{"RS256", "PS256"}}},
		},
		{
			name: "documentation URI from the environment",
			env:  map[string]string{"SCIMD_DOCUMENTATION_URI": "https://docs.example.com/scim"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8,
				documentationURI: "https://docs.example.com/scim"},
		},
		{
			name: "documentation URI flag overrides environment",
			env:  map[string]string{"SCIMD_DOCUMENTATION_URI": "https://env.example.com"},
			args: []string{"--documentation-uri", "https://flag.example.com/help"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8,
				documentationURI: "https://flag.example.com/help"},
		},
		{
			name: "limits from the environment and flags",
			env:  map[string]string{"SCIMD_RATE_LIMIT": "5", "SCIMD_RATE_BURST": "9", "SCIMD_MAX_PATCH_MEMBERS": "50", "SCIMD_MAX_MULTI_VALUES": "7"},
			args: []string{"--rate-burst", "3", "--read-header-timeout", "2s", "--max-filter-terms", "10", "--max-body-bytes", "4096"},
			want: serveConfig{addr: defaultAddr, db: defaultDB, logFormat: "text", logLevel: slog.LevelInfo, passwordMinLength: 8,
				limits: func() serveLimits {
					l := defaultServeLimits()
					l.rateLimit, l.rateBurst, l.maxPatchMembers, l.maxMultiValues = 5, 3, 50, 7
					l.readHeaderTimeout, l.maxFilterTerms, l.maxBodyBytes = 2*time.Second, 10, 4096
					return l
				}()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServeFlags(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatalf("parseServeFlags: %v", err)
			}
			want := tt.want
			if want.oidc.RolesClaim == "" {
				want.oidc = defaultOIDC
			}
			if want.limits == (serveLimits{}) {
				want.limits = defaultServeLimits()
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("parseServeFlags = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseServeFlagsErrors(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantOutput string // substring of what is written to stderr
	}{
		{name: "unknown flag", args: []string{"--nope"}, wantOutput: "flag provided but not defined: -nope"},
		{name: "positional argument", args: []string{"extra"}, wantOutput: "unexpected arguments"},
		{name: "log format", args: []string{"--log-format", "xml"}, wantOutput: `invalid log format "xml"`},
		{name: "log level", args: []string{"--log-level", "loud"}, wantOutput: `invalid log level "loud"`},
		{name: "log level from environment", env: map[string]string{"SCIMD_LOG_LEVEL": "loud"}, wantOutput: `invalid log level "loud"`},
		{name: "database scheme", args: []string{"--db", "postgres://u:secret@db/scimd"}, wantOutput: `unsupported database "postgres://u:xxxxx@db/scimd"`},
		{name: "password minimum length", args: []string{"--password-min-length", "0"}, wantOutput: `invalid password minimum length "0"`},
		{name: "password minimum length from environment", env: map[string]string{"SCIMD_PASSWORD_MIN_LENGTH": "eight"}, wantOutput: `invalid password minimum length "eight"`},
		{name: "OIDC issuer without audience", args: []string{"--oidc-issuer", "https://idp.example.com"}, wantOutput: "--oidc-audience is required"},
		{name: "OIDC issuer not a URL", env: map[string]string{"SCIMD_OIDC_ISSUER": "idp.example.com", "SCIMD_OIDC_AUDIENCE": "a"}, wantOutput: `invalid OIDC issuer "idp.example.com"`},
		{name: "OIDC symmetric algorithm", args: []string{"--oidc-issuer", "https://idp.example.com", "--oidc-audience", "a", "--oidc-signing-algs", "HS256"}, wantOutput: `unsupported OIDC signing algorithm "HS256"`},
		{name: "empty sqlite path", args: []string{"--db", "sqlite:"}, wantOutput: "want sqlite:PATH"},
		{name: "filter terms over the storage cap", args: []string{"--max-filter-terms", "101"}, wantOutput: `invalid --max-filter-terms "101": want an integer from 1 to 100`},
		{name: "negative rate limit", env: map[string]string{"SCIMD_RATE_LIMIT": "-1"}, wantOutput: `invalid --rate-limit "-1"`},
		{name: "zero timeout", args: []string{"--read-timeout", "0s"}, wantOutput: `invalid --read-timeout "0s"`},
		{name: "body limit not a number", args: []string{"--max-body-bytes", "1MB"}, wantOutput: `invalid --max-body-bytes "1MB"`},
		{name: "multi-value limit zero", args: []string{"--max-multi-values", "0"}, wantOutput: `invalid --max-multi-values "0"`},
		{name: "documentation URI not absolute", args: []string{"--documentation-uri", "docs/scim"}, wantOutput: `invalid documentation URI "docs/scim"`},
		{name: "bad mysql URL", args: []string{"--db", "mysql://u:se%ZZcret@db/scimd"}, wantOutput: `invalid database URL "mysql://u:xxxxx@db/scimd"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			_, err := parseServeFlags(tt.args, env(tt.env), &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("parseServeFlags error = %v, want errUsage", err)
			}
			if !strings.Contains(stderr.String(), tt.wantOutput) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantOutput)
			}
			if strings.Contains(stderr.String()+err.Error(), "cret") {
				t.Errorf("password leaked: stderr %q, error %q", stderr.String(), err)
			}
		})
	}
}

func TestParseServeFlagsHelp(t *testing.T) {
	var stderr strings.Builder
	_, err := parseServeFlags([]string{"-h"}, env(map[string]string{"SCIMD_DB": "mysql://u:secret@db/x"}), &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("parseServeFlags -h error = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"Usage: scimd serve", "-addr", "SCIMD_DB", "override environment variables"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("help does not mention %q:\n%s", want, stderr.String())
		}
	}
}
