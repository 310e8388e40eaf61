package admin

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/internal/reqlog"
	"github.com/scimd/scimd/storage"
)

// Prefix is the path prefix of the admin API.
const Prefix = "/admin/v1"

// maxBody bounds request bodies.
const maxBody = 1 << 20

//go:embed openapi.json
var openAPI []byte

// Config configures the admin API.
type Config struct {
	Store  storage.Store
	Logger *slog.Logger
	// Auth verifies bearer tokens. When nil the admin API is off: every
	// path under Prefix answers 404.
	Auth *Authenticator
	// Directory is the service users, groups, apps and schemas are read
	// and written with, the SCIM API's; nil means one over Store with
	// PasswordMinLength.
	Directory *directory.Service
	// PasswordMinLength is the password policy of user writes when
	// Directory is nil; 0 means directory.DefaultPasswordMinLength.
	PasswordMinLength int
	// MaxMultiValues limits the values of each multi-valued attribute of
	// user writes when Directory is nil; 0 means
	// directory.DefaultMaxMultiValues.
	MaxMultiValues int
}

// A Handler serves the admin API.
type Handler struct {
	store  storage.Store // tenants, credentials and the audit log
	dir    *directory.Service
	logger *slog.Logger
	auth   *Authenticator
}

// NewHandler returns the admin API of cfg. With the API on (cfg.Auth set),
// cfg.Store must be set.
func NewHandler(cfg Config) *Handler {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dir := cfg.Directory
	if dir == nil && cfg.Store != nil {
		// New fails only without a Store.
		dir, _ = directory.New(directory.Config{Store: cfg.Store,
			PasswordMinLength: cfg.PasswordMinLength, MaxMultiValues: cfg.MaxMultiValues})
	}
	return &Handler{store: cfg.Store, dir: dir, logger: logger, auth: cfg.Auth}
}

// access says who may call a route.
type access int

const (
	// public routes need no token.
	public access = iota
	// anyRole routes need a token with any known role; the handler
	// filters what the caller sees.
	anyRole
	// tenantScoped routes act on the tenant named by the {name} path
	// value: GET needs read access to it, other methods write access.
	tenantScoped
	// platformOnly routes need platform_admin.
	platformOnly
)

// A route is one endpoint. routes is the only list of endpoints: the mux
// and the OpenAPI test both read it.
type route struct {
	method, path string // path below Prefix, in ServeMux pattern syntax
	access       access
	serve        func(h *Handler, w http.ResponseWriter, r *http.Request, p Principal)
}

var routes = []route{
	{http.MethodGet, "/openapi.json", public, (*Handler).getOpenAPI},
	{http.MethodGet, "/tenants", anyRole, (*Handler).listTenants},
	{http.MethodPost, "/tenants", platformOnly, (*Handler).createTenant},
	{http.MethodGet, "/tenants/{name}", tenantScoped, (*Handler).getTenant},
	{http.MethodDelete, "/tenants/{name}", platformOnly, (*Handler).deleteTenant},
	{http.MethodGet, "/tenants/{name}/credentials", tenantScoped, (*Handler).listCredentials},
	{http.MethodPost, "/tenants/{name}/credentials", tenantScoped, (*Handler).createCredential},
	{http.MethodDelete, "/tenants/{name}/credentials/{id}", tenantScoped, (*Handler).revokeCredential},
	{http.MethodGet, "/tenants/{name}/schema", tenantScoped, (*Handler).getSchema},
	{http.MethodPut, "/tenants/{name}/schema", tenantScoped, (*Handler).putSchema},
	{http.MethodGet, "/tenants/{name}/users", tenantScoped, (*Handler).listUsers},
	{http.MethodPost, "/tenants/{name}/users", tenantScoped, (*Handler).createUser},
	{http.MethodGet, "/tenants/{name}/users/count", tenantScoped, (*Handler).countUsers},
	{http.MethodGet, "/tenants/{name}/users/export", tenantScoped, (*Handler).exportUsers},
	{http.MethodGet, "/tenants/{name}/users/lookup", tenantScoped, (*Handler).lookupUsers},
	{http.MethodGet, "/tenants/{name}/users/by", tenantScoped, (*Handler).getUser},
	{http.MethodPut, "/tenants/{name}/users/by", tenantScoped, (*Handler).replaceUser},
	{http.MethodPatch, "/tenants/{name}/users/by", tenantScoped, (*Handler).mergeUser},
	{http.MethodDelete, "/tenants/{name}/users/by", tenantScoped, (*Handler).deleteUser},
	{http.MethodGet, "/tenants/{name}/users/{id}", tenantScoped, (*Handler).getUser},
	{http.MethodPut, "/tenants/{name}/users/{id}", tenantScoped, (*Handler).replaceUser},
	{http.MethodPatch, "/tenants/{name}/users/{id}", tenantScoped, (*Handler).mergeUser},
	{http.MethodDelete, "/tenants/{name}/users/{id}", tenantScoped, (*Handler).deleteUser},
	{http.MethodPost, "/tenants/{name}/users/{id}/suspend", tenantScoped, (*Handler).suspendUser},
	{http.MethodPost, "/tenants/{name}/users/{id}/activate", tenantScoped, (*Handler).activateUser},
	{http.MethodPost, "/tenants/{name}/users/{id}/sessions/invalidate", tenantScoped, (*Handler).invalidateSessions},
	{http.MethodPost, "/tenants/{name}/users/{id}/apps", tenantScoped, (*Handler).assignApp},
	{http.MethodDelete, "/tenants/{name}/users/{id}/apps/{appId}", tenantScoped, (*Handler).unassignApp},
	{http.MethodGet, "/tenants/{name}/groups", tenantScoped, (*Handler).listGroups},
	{http.MethodGet, "/tenants/{name}/groups/{id}", tenantScoped, (*Handler).getGroup},
	{http.MethodGet, "/tenants/{name}/groups/{id}/members", tenantScoped, (*Handler).listMembers},
	{http.MethodPost, "/tenants/{name}/groups/{id}/members", tenantScoped, (*Handler).addMembers},
	{http.MethodDelete, "/tenants/{name}/groups/{id}/members/{memberId}", tenantScoped, (*Handler).removeMember},
	{http.MethodGet, "/tenants/{name}/audit", tenantScoped, (*Handler).tenantAudit},
	{http.MethodGet, "/tenants/{name}/users/{id}/audit", tenantScoped, (*Handler).userAudit},
}

// Register adds the admin API to mux: every route, and a catch-all under
// Prefix that answers unknown paths (404) and methods (405) in JSON. With
// the API off, the catch-all alone answers, 404.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc(Prefix+"/", h.notFound)
	if h.auth == nil {
		return
	}
	for _, rt := range routes {
		mux.Handle(rt.method+" "+Prefix+rt.path, h.guard(rt))
	}
}

// guard authenticates and authorizes a request for rt, then serves it.
// Authorization runs before the tenant is looked up, so that a caller
// without access to a tenant cannot learn whether it exists.
func (h *Handler) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if rt.access == public {
			rt.serve(h, w, r, Principal{})
			return
		}
		// The request log names the tenant of the path, authenticated or
		// not, and the token's subject once authenticated.
		reqlog.Annotate(w, r.PathValue("name"), "")
		p, ok := h.authenticate(w, r)
		if !ok {
			return
		}
		reqlog.Annotate(w, "", p.Subject)
		var allowed bool
		switch rt.access {
		case anyRole:
			allowed = p.anyRole()
		case platformOnly:
			allowed = p.has(RolePlatformAdmin)
		case tenantScoped:
			if r.Method == http.MethodGet || r.Method == http.MethodHead { // GET routes answer HEAD too
				allowed = p.canRead(r.PathValue("name"))
			} else {
				allowed = p.canWrite(r.PathValue("name"))
			}
		}
		if !allowed {
			h.logger.InfoContext(r.Context(), "admin request forbidden",
				"sub", p.Subject, "roles", p.Roles, "method", r.Method, "path", r.URL.Path)
			writeError(w, http.StatusForbidden, "your roles do not allow this request")
			return
		}
		// Every write of the request is the subject's in the audit log:
		// the store's own (tenants, credentials) through the context, the
		// directory service's through the Scope (Handler.scope).
		r = r.WithContext(storage.WithActor(r.Context(), p.actor()))
		rt.serve(h, w, r, p)
	})
}

// authenticate reads and verifies the bearer token, or answers 401. The
// token is never logged.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (Principal, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scimd-admin"`)
		writeError(w, http.StatusUnauthorized, "a bearer token is required")
		return Principal{}, false
	}
	p, err := h.auth.Authenticate(r.Context(), token)
	if err != nil {
		h.logger.InfoContext(r.Context(), "admin token refused", "err", err, "method", r.Method, "path", r.URL.Path)
		detail := "the bearer token is invalid"
		if errors.Is(err, errTokenExpired) {
			detail = errTokenExpired.Error()
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="scimd-admin", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, detail)
		return Principal{}, false
	}
	return p, true
}

// notFound answers paths under Prefix that no route serves: 404, or 405
// with Allow when the path is served with other methods.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h.auth == nil {
		writeError(w, http.StatusNotFound, "the admin API is off: scimd was started without --oidc-issuer")
		return
	}
	var allow []string
	for _, rt := range routes {
		if pathMatches(rt.path, strings.TrimPrefix(r.URL.Path, Prefix)) {
			allow = append(allow, rt.method)
			if rt.method == http.MethodGet {
				allow = append(allow, http.MethodHead) // ServeMux serves HEAD with GET's route
			}
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed here")
		return
	}
	writeError(w, http.StatusNotFound, "no such admin endpoint")
}

// pathMatches reports whether path matches pattern, whose {x} segments
// match any one non-empty segment.
func pathMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") {
			if xs[i] == "" {
				return false
			}
		} else if ps[i] != xs[i] {
			return false
		}
	}
	return true
}

func (h *Handler) getOpenAPI(w http.ResponseWriter, _ *http.Request, _ Principal) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPI)
}

// retryAfterSeconds is what a 503 asks clients to wait.
const retryAfterSeconds = "5"

// internal logs err and answers 500 without its text, or 503 with
// Retry-After when the database is unavailable.
func (h *Handler) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, storage.ErrUnavailable) {
		h.logger.WarnContext(r.Context(), "admin API: database unavailable: "+what, "err", err, "method", r.Method, "path", r.URL.Path)
		w.Header().Set("Retry-After", retryAfterSeconds)
		writeError(w, http.StatusServiceUnavailable, "the database is temporarily unavailable; retry after the number of seconds in Retry-After")
		return
	}
	if errors.Is(err, storage.ErrSchemaChanged) {
		w.Header().Set("Retry-After", retryAfterSeconds)
		writeError(w, http.StatusServiceUnavailable, "the tenant's schema changed during the request, which changed nothing; retry after the number of seconds in Retry-After")
		return
	}
	h.logger.ErrorContext(r.Context(), "admin API: "+what, "err", err, "method", r.Method, "path", r.URL.Path)
	writeError(w, http.StatusInternalServerError, "internal error; see the server log")
}

// readJSON decodes a JSON object body into v, or answers 400 or 413.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	raw, ok := readBody(w, r, "")
	if !ok {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		bodyError(w, err)
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "the body must be one JSON object")
		return false
	}
	return true
}

// bodyError answers a body that could not be read or decoded.
func bodyError(w http.ResponseWriter, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		writeError(w, http.StatusRequestEntityTooLarge, "the body is larger than 1 MiB")
		return
	}
	if detail, ok := typeErrorDetail(err); ok {
		writeError(w, http.StatusBadRequest, detail)
		return
	}
	writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
}

// errorCodes are the error codes of the statuses the API answers.
var errorCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "payload_too_large",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

// errorJSON is the one error shape of the API.
type errorJSON struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
	Detail string `json:"detail"`
}

func writeError(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, errorJSON{status, errorCodes[status], detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
