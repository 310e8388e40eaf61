package scim

import (
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB
	DefaultMaxResults   = 1000
	DefaultPageSize     = 100
	// DefaultPasswordMinLength is the shortest password scimd accepts
	// unless Config.PasswordMinLength says otherwise.
	DefaultPasswordMinLength = directory.DefaultPasswordMinLength
)

// MaxFilterLength caps the length of a filter in bytes.
const MaxFilterLength = directory.MaxFilterLength

// Config configures NewHandler.
type Config struct {
	Store storage.Store
	// Directory is the service requests are served with; nil means one
	// over Store, Registry, PasswordMinLength and MaxMultiValues.
	Directory *directory.Service
	// Registry hands out tenants' schema sets; nil means one that reads
	// the definitions from Store. Unused when Directory is set.
	Registry *schemas.Registry
	Logger   *slog.Logger
	// CursorKey signs pagination cursors. Instances behind one load
	// balancer must share it; empty means a random key per process.
	CursorKey []byte
	// MaxBodyBytes limits request bodies (413 above it).
	MaxBodyBytes int64
	// MaxResults caps count: a larger count is served as MaxResults (RFC
	// 7644 §3.4.2.4). DefaultPageSize is the count when none is given.
	MaxResults int
	// MaxFilterBytes and MaxFilterTerms limit a filter's length and its
	// number of comparisons and logical operators (400 invalidFilter
	// above them); at most MaxFilterLength and storage.MaxFilterTerms.
	MaxFilterBytes int
	MaxFilterTerms int
	// MaxPatchOperations limits the operations of one PATCH request, and
	// MaxPatchMembers the member values they name in all (400
	// invalidValue above them).
	MaxPatchOperations int
	MaxPatchMembers    int
	// MaxMultiValues limits the values of each multi-valued attribute of
	// a resource a write leaves (400 invalidValue above it). A group's
	// members are not counted: MaxPatchMembers bounds them per request.
	// The directory service applies it: unused when Directory is set,
	// whose limit applies (and GET /Limits shows).
	MaxMultiValues int
	// RateLimit is the sustained number of requests per second each
	// credential may make, RateBurst the number it may make at once (at
	// least 1). Above it scimd answers 429 with Retry-After. Zero means no
	// limit. The buckets are per process: behind a load balancer each
	// instance counts its own.
	RateLimit float64
	RateBurst int
	// PasswordMinLength is the shortest password, in characters, that a
	// user may be given; 0 means DefaultPasswordMinLength. Unused when
	// Directory is set.
	PasswordMinLength int
	// DocumentationURI is the documentationUri of /ServiceProviderConfig
	// (RFC 7643 §5), a page for the service's clients; left out when
	// empty.
	DocumentationURI string
}

// Handler serves the SCIM API of every tenant.
type Handler struct {
	cfg     Config
	store   storage.Store
	dir     *directory.Service
	log     *slog.Logger
	cursors cursorCodec
	walks   *walkCache
	touched *touchLog    // when each credential's use was last recorded
	limiter *rateLimiter // nil when requests are not rate limited
	// mux is the mux Register mounted the routes on, and served the
	// patterns of the routes, for the fallback's Allow header.
	mux    *http.ServeMux
	served map[string]bool
}

// NewHandler returns the SCIM handler, to be mounted at the server root: it
// answers /tenants/{tenant}/scim/v2/...
func NewHandler(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("scim: Config needs a Store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	applyLimitDefaults(&cfg)
	if cfg.Directory == nil {
		dir, err := directory.New(directory.Config{Store: cfg.Store, Registry: cfg.Registry,
			PasswordMinLength: cfg.PasswordMinLength, MaxMultiValues: cfg.MaxMultiValues})
		if err != nil {
			return nil, err
		}
		cfg.Directory = dir
	}
	if len(cfg.CursorKey) == 0 {
		cfg.CursorKey = make([]byte, 32)
		if _, err := rand.Read(cfg.CursorKey); err != nil {
			return nil, err
		}
	}
	h := &Handler{cfg: cfg, store: cfg.Store, dir: cfg.Directory, log: cfg.Logger,
		cursors: cursorCodec{key: cfg.CursorKey}, walks: newWalkCache(4096),
		touched: newTouchLog(touchInterval, maxTouched)}
	if cfg.RateLimit > 0 {
		h.limiter = newRateLimiter(cfg.RateLimit, cfg.RateBurst)
	}
	return h, nil
}

// baseURL is the absolute URL of a tenant's SCIM base as the client sees it.
func baseURL(r *http.Request, tenant string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host + "/tenants/" + tenant + "/scim/v2"
}

// authenticate finds the tenant named in the path and the credential of
// the bearer token in one lookup, and records the credential's use (at most
// once a minute per credential). An unknown tenant looks exactly like a bad
// token, so paths cannot be probed for tenant names.
func (h *Handler) authenticate(r *http.Request, tenantName string) (storage.Tenant, storage.Credential, error) {
	const prefix = "bearer "
	unauthorized := errorf(http.StatusUnauthorized, "", "missing or invalid bearer token")
	auth := r.Header.Get("Authorization")
	if len(auth) <= len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return storage.Tenant{}, storage.Credential{}, unauthorized
	}
	tenant, cred, err := h.store.Authenticate(r.Context(), tenantName, credentials.HashToken(strings.TrimSpace(auth[len(prefix):])))
	if errors.Is(err, storage.ErrNotFound) {
		return tenant, cred, unauthorized
	}
	if err != nil {
		return tenant, cred, err
	}
	now := time.Now()
	if h.touched.due(cred.ID, now) {
		if err := h.store.TouchCredential(r.Context(), tenant.ID, cred.ID, now); err != nil {
			h.log.WarnContext(r.Context(), "record credential use", "credential", cred.ID, "err", err)
		}
	}
	return tenant, cred, nil
}
