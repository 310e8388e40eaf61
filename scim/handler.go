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

// Register mounts the handler's routes on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("/tenants/{tenant}/scim/v2", h)
	mux.Handle("/tenants/{tenant}/scim/v2/", h)
}

// ServeHTTP authenticates the request and dispatches it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := h.begin(w, r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if c.head {
		// HEAD is GET without the body (RFC 9110 §9.3.2): served as GET,
		// net/http drops the body and keeps the headers, Content-Length
		// included. r is a copy: net/http still sees the HEAD.
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	w.Header().Set("Content-Type", contentType)
	if err := h.dispatch(w, r, c); err != nil {
		h.writeError(w, r, err)
	}
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

// route is the part of the path after /scim/v2, without a trailing slash.
func route(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/tenants/"+r.PathValue("tenant")+"/scim/v2")
	return strings.TrimSuffix(p, "/")
}

func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, c *call) error {
	path := route(r)
	switch path {
	case "/ServiceProviderConfig":
		if r.Method != http.MethodGet {
			return methodNotAllowed(w, c, "GET")
		}
		return h.serveServiceProviderConfig(w, r, c)
	case "/Schemas", "/ResourceTypes":
		if r.Method != http.MethodGet {
			return methodNotAllowed(w, c, "GET")
		}
		return h.serveDiscovery(w, r, c, path, "")
	case "/Limits":
		if r.Method != http.MethodGet {
			return methodNotAllowed(w, c, "GET")
		}
		return h.serveLimits(w)
	case "/Me":
		return errorf(http.StatusNotImplemented, "", "/Me is not supported: scimd authenticates provisioning clients, not users")
	case "/Bulk":
		return errorf(http.StatusNotImplemented, "", "bulk operations are not supported (see /ServiceProviderConfig)")
	case "", "/.search":
		return h.serveRootList(w, r, c, path == "/.search")
	}
	if id, ok := strings.CutPrefix(path, "/Schemas/"); ok && r.Method == http.MethodGet {
		return h.serveDiscovery(w, r, c, "/Schemas", id)
	}
	if id, ok := strings.CutPrefix(path, "/ResourceTypes/"); ok && r.Method == http.MethodGet {
		return h.serveDiscovery(w, r, c, "/ResourceTypes", id)
	}
	if appRoute(path) {
		return h.serveApps(w, r, c, path)
	}
	if done, err := h.serveAction(w, r, c, path); done {
		return err
	}
	for _, rt := range c.scope.Set.ResourceTypes() {
		typ := rt.Name
		switch {
		case path == rt.Endpoint && r.Method == http.MethodGet:
			return h.serveList(w, r, c, typ, false)
		case path == rt.Endpoint && r.Method == http.MethodPost:
			return h.createResource(w, r, c, typ)
		case path == rt.Endpoint+"/.search":
			if r.Method != http.MethodPost {
				return methodNotAllowed(w, c, "POST")
			}
			return h.serveList(w, r, c, typ, true)
		}
		id, ok := strings.CutPrefix(path, rt.Endpoint+"/")
		if !ok || id == "" || strings.Contains(id, "/") {
			continue
		}
		switch r.Method {
		case http.MethodGet:
			return h.serveGet(w, r, c, typ, id)
		case http.MethodPut:
			return h.replaceResource(w, r, c, typ, id)
		case http.MethodPatch:
			return h.patchResource(w, r, c, typ, id)
		case http.MethodDelete:
			return h.deleteResource(w, r, c, typ, id)
		}
	}
	return errorf(http.StatusNotFound, "", "Specified endpoint does not exist.")
}

// methodNotAllowed answers 405 with an Allow header, which lists HEAD
// wherever it lists GET.
func methodNotAllowed(w http.ResponseWriter, c *call, allow string) error {
	if strings.Contains(allow, http.MethodGet) && !strings.Contains(allow, http.MethodHead) {
		allow = strings.Replace(allow, http.MethodGet, http.MethodGet+", "+http.MethodHead, 1)
	}
	w.Header().Set("Allow", allow)
	return errorf(http.StatusMethodNotAllowed, "", c.method+" is not allowed here; use "+allow)
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
