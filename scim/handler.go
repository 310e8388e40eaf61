package scim

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB
	DefaultMaxResults   = 1000
	DefaultPageSize     = 100
)

// Config configures NewHandler.
type Config struct {
	Store storage.Store
	// Registry hands out tenants' schema sets; nil means one that reads
	// the definitions from Store.
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
	// RateLimit is the sustained number of requests per second each
	// credential may make, RateBurst the number it may make at once (at
	// least 1). Above it scimd answers 429 with Retry-After. Zero means no
	// limit. The buckets are per process: behind a load balancer each
	// instance counts its own.
	RateLimit float64
	RateBurst int
	// PasswordMinLength is the shortest password, in characters, that a
	// user may be given; 0 means DefaultPasswordMinLength.
	PasswordMinLength int
}

// Handler serves the SCIM API of every tenant.
type Handler struct {
	cfg     Config
	store   storage.Store
	log     *slog.Logger
	servers serverCache
	cursors cursorCodec
	walks   *walkCache
	touched sync.Map     // credential ID → time.Time of the last recorded use
	limiter *rateLimiter // nil when requests are not rate limited
}

// NewHandler returns the SCIM handler, to be mounted at the server root: it
// answers /tenants/{tenant}/scim/v2/...
func NewHandler(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("scim: Config needs a Store")
	}
	if cfg.Registry == nil {
		store := cfg.Store
		cfg.Registry = schemas.NewRegistry(func(ctx context.Context, tenantID string, version int64) ([]byte, error) {
			return store.TenantSchema(ctx, storage.TenantID(tenantID), version)
		})
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	applyLimitDefaults(&cfg)
	if cfg.PasswordMinLength <= 0 {
		cfg.PasswordMinLength = DefaultPasswordMinLength
	}
	if len(cfg.CursorKey) == 0 {
		cfg.CursorKey = make([]byte, 32)
		if _, err := rand.Read(cfg.CursorKey); err != nil {
			return nil, err
		}
	}
	// Entra sends booleans as "True"/"False" strings. This switch of the
	// schema library is process-wide; scimd wants it for every tenant.
	schema.SetAllowStringValues(true)
	h := &Handler{cfg: cfg, store: cfg.Store, log: cfg.Logger,
		cursors: cursorCodec{key: cfg.CursorKey}, walks: newWalkCache(4096)}
	h.servers.build = h.newServer
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

// requestState is what scimd knows about a request once its tenant and
// credential are established.
type requestState struct {
	tenant storage.Tenant
	set    schemas.Set
	cred   storage.Credential
	base   string // absolute URL of the tenant's SCIM base, for locations
	body   []byte
	head   bool                  // a HEAD request, served as GET
	err    *scimerrors.ScimError // the error scimd meant, for guardWriter
	// metadata is what the body of a user's POST, PUT or PATCH says about
	// the user's metadata, which normalizeBody takes out; nil if nothing.
	metadata *metadataRequest
	// answer is the resource scimd answers a successful POST, PUT or
	// PATCH with, for guardWriter; nil for a PATCH answered with 204.
	answer *writeAnswer
}

type stateKey struct{}

func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// fail records the error scimd means to answer and returns it, for
// handlers called by the elimity server.
func (h *Handler) fail(r *http.Request, err error) error {
	e := toSCIMError(h.log, r, err)
	if st := stateOf(r.Context()); st != nil {
		st.err = &e
	}
	return e
}

// ServeHTTP authenticates the request, reads its body and dispatches it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("tenant")
	tenant, cred, err := h.authenticate(r, name)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	if h.limiter != nil && !h.limiter.allow(w, tenant.ID, cred.ID) {
		return
	}
	set, err := h.cfg.Registry.ForTenant(r.Context(), string(tenant.ID), tenant.SchemaVersion)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	st := &requestState{tenant: tenant, set: set, cred: cred, base: baseURL(r, name), head: r.Method == http.MethodHead}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodDelete {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, errorf(http.StatusRequestEntityTooLarge, "", "the request body is larger than the limit of "+strconv.FormatInt(h.cfg.MaxBodyBytes, 10)+" bytes"))
			return
		}
		if err != nil {
			writeError(w, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax, "the request body could not be read"))
			return
		}
		if err := checkBody(r, body); err != nil {
			writeError(w, toSCIMError(h.log, r, err))
			return
		}
		st.body = body
	}
	// Every write of the request is the credential's in the audit log.
	ctx := storage.WithActor(r.Context(), storage.Actor{Kind: storage.ActorSCIM, ID: cred.ID, Name: cred.Name})
	r = r.WithContext(context.WithValue(ctx, stateKey{}, st))
	if st.head {
		// HEAD is GET without the body (RFC 9110 §9.3.2): served as GET,
		// net/http drops the body and keeps the headers, Content-Length
		// included. r is a copy: net/http still sees the HEAD.
		r.Method = http.MethodGet
	}
	w.Header().Set("Content-Type", contentType)
	h.dispatch(w, r, st)
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

func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, st *requestState) {
	path := route(r)
	switch path {
	case "/ServiceProviderConfig":
		if r.Method != http.MethodGet {
			writeMethodNotAllowed(w, r, "GET")
			return
		}
		h.serveServiceProviderConfig(w, r, st)
		return
	case "/Schemas", "/ResourceTypes":
		if r.Method != http.MethodGet {
			writeMethodNotAllowed(w, r, "GET")
			return
		}
		h.serveDiscovery(w, r, st)
		return
	case "/Me":
		writeError(w, errorf(http.StatusNotImplemented, "", "/Me is not supported: scimd authenticates provisioning clients, not users"))
		return
	case "/Bulk":
		writeError(w, errorf(http.StatusNotImplemented, "", "bulk operations are not supported (see /ServiceProviderConfig)"))
		return
	case "", "/.search":
		h.serveRootList(w, r, st, path == "/.search")
		return
	}
	if appRoute(path) {
		h.serveApps(w, r, st, path)
		return
	}
	if h.serveAction(w, r, st, path) {
		return
	}
	for _, rt := range st.set.ResourceTypes() {
		switch {
		case path == rt.Endpoint && r.Method == http.MethodGet:
			h.serveList(w, r, st, &rt, false)
			return
		case path == rt.Endpoint+"/.search":
			if r.Method != http.MethodPost {
				writeMethodNotAllowed(w, r, "POST")
				return
			}
			h.serveList(w, r, st, &rt, true)
			return
		case strings.HasPrefix(path, rt.Endpoint+"/") && r.Method == http.MethodGet:
			h.serveGet(w, r, st, &rt, strings.TrimPrefix(path, rt.Endpoint+"/"))
			return
		}
	}
	srv, err := h.servers.get(st.tenant.ID, st.set, st.base)
	if err != nil {
		writeError(w, toSCIMError(h.log, r, err))
		return
	}
	if st.body != nil {
		body, err := normalizeBody(r, st, h.checkPatchLimits)
		if err != nil {
			writeError(w, toSCIMError(h.log, r, err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	srv.ServeHTTP(&guardWriter{ResponseWriter: w, st: st}, stripToV2(r))
}

// stripToV2 makes the request path start at /v2, as the elimity server
// expects.
func stripToV2(r *http.Request) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/v2" + route(r)
	r2.URL.RawPath = ""
	return r2
}

// writeMethodNotAllowed answers 405 with an Allow header, which lists
// HEAD wherever it lists GET.
func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	if strings.Contains(allow, http.MethodGet) && !strings.Contains(allow, http.MethodHead) {
		allow = strings.Replace(allow, http.MethodGet, http.MethodGet+", "+http.MethodHead, 1)
	}
	method := r.Method
	if st := stateOf(r.Context()); st != nil && st.head {
		method = http.MethodHead
	}
	w.Header().Set("Allow", allow)
	writeError(w, errorf(http.StatusMethodNotAllowed, "", method+" is not allowed here; use "+allow))
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
	if last, ok := h.touched.Load(cred.ID); !ok || now.Sub(last.(time.Time)) > time.Minute {
		h.touched.Store(cred.ID, now)
		if err := h.store.TouchCredential(r.Context(), tenant.ID, cred.ID, now); err != nil {
			h.log.WarnContext(r.Context(), "record credential use", "credential", cred.ID, "err", err)
		}
	}
	return tenant, cred, nil
}
