package scim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/scimd/scimd/schemas"
)

// Base is the ServeMux pattern of a tenant's SCIM base; every route is
// below it.
const Base = "/tenants/{tenant}/scim/v2"

// A route is one endpoint of a tenant's SCIM API.
type route struct {
	pattern string // ServeMux pattern below Base: "METHOD /path", or "/path" for every method
	typ     string // the resource type the route serves (call.typ), or ""
	serve   func(h *Handler, w http.ResponseWriter, r *http.Request, c *call) error
}

const (
	user  = schemas.UserType
	group = schemas.GroupType
)

// routes is the SCIM API: the only list of its endpoints. Register mounts
// each at its pattern and, for the clients that add one, with a trailing
// slash. GET routes answer HEAD too.
var routes = []route{
	{"GET ", "", (*Handler).serveRootList},
	{"POST /.search", "", (*Handler).serveRootSearch},
	{"GET /ServiceProviderConfig", "", (*Handler).serveServiceProviderConfig},
	{"GET /Schemas", "", (*Handler).serveSchemas},
	{"GET /Schemas/{id}", "", (*Handler).serveSchema},
	{"GET /ResourceTypes", "", (*Handler).serveResourceTypes},
	{"GET /ResourceTypes/{id}", "", (*Handler).serveResourceType},
	{"GET /Limits", "", (*Handler).serveLimits},
	{"/Me", "", (*Handler).serveMe},
	{"/Bulk", "", (*Handler).serveBulk},

	{"GET /Users", user, (*Handler).serveList},
	{"POST /Users", user, (*Handler).createResource},
	{"POST /Users/.search", user, (*Handler).serveSearch},
	{"GET /Users/{id}", user, (*Handler).serveGet},
	{"PUT /Users/{id}", user, (*Handler).replaceResource},
	{"PATCH /Users/{id}", user, (*Handler).patchResource},
	{"DELETE /Users/{id}", user, (*Handler).deleteResource},
	{"GET /Groups", group, (*Handler).serveList},
	{"POST /Groups", group, (*Handler).createResource},
	{"POST /Groups/.search", group, (*Handler).serveSearch},
	{"GET /Groups/{id}", group, (*Handler).serveGet},
	{"PUT /Groups/{id}", group, (*Handler).replaceResource},
	{"PATCH /Groups/{id}", group, (*Handler).patchResource},
	{"DELETE /Groups/{id}", group, (*Handler).deleteResource},

	// scimd's own endpoints.
	{"POST /Users/{id}/login", user, (*Handler).login},
	{"GET /Users/{id}/sessions", user, (*Handler).serveSessions},
	{"POST /Users/{id}/sessions/invalidate", user, (*Handler).invalidateUserSessions},
	{"POST /sessions/invalidate", "", (*Handler).invalidateTenantSessions},
	{"GET /TagKeys", "", (*Handler).serveTagKeys},
	{"GET /Apps", "", (*Handler).listApps},
	{"POST /Apps", "", (*Handler).createApp},
	{"GET /Apps/{id}", "", (*Handler).getApp},
	{"PUT /Apps/{id}", "", (*Handler).replaceApp},
	{"DELETE /Apps/{id}", "", (*Handler).deleteApp},
	{"GET /Users/{id}/apps", user, (*Handler).listUserApps},
	{"GET /Users/{id}/apps/{appId}", user, (*Handler).getAssignment},
	{"POST /Users/{id}/apps/{appId}", user, (*Handler).assign},
	{"PUT /Users/{id}/apps/{appId}", user, (*Handler).assign},
	{"DELETE /Users/{id}/apps/{appId}", user, (*Handler).unassign},
}

// refusals are patterns that would otherwise reach a route of another
// path: /Users/.search is not the user ".search". They answer 405.
var refusals = []string{
	"GET /Users/.search", "PUT /Users/.search", "PATCH /Users/.search", "DELETE /Users/.search",
	"GET /Groups/.search", "PUT /Groups/.search", "PATCH /Groups/.search", "DELETE /Groups/.search",
}

// Register mounts the routes on mux, and below Base a fallback that
// answers 405 with Allow for a method a path is not served with, and 404
// for a path no route serves; both after authentication, like every
// route.
func (h *Handler) Register(mux *http.ServeMux) {
	h.mux = mux
	h.served = make(map[string]bool, 2*len(routes))
	for _, rt := range routes {
		for _, p := range patterns(rt.pattern) {
			h.served[p] = true
			mux.Handle(p, h.handle(rt.typ, rt.serve))
		}
	}
	for _, pattern := range refusals {
		for _, p := range patterns(pattern) {
			mux.Handle(p, h.handle("", (*Handler).fallback))
		}
	}
	mux.Handle(Base, h.handle("", (*Handler).fallback))
	mux.Handle(Base+"/", h.handle("", (*Handler).fallback))
}

// patterns are the ServeMux patterns of a route pattern below Base: the
// path itself, and the path with a trailing slash.
func patterns(pattern string) []string {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	} else {
		method += " "
	}
	return []string{method + Base + path, method + Base + path + "/{$}"}
}

// Paths returns the path of every route of the SCIM API, once each, such
// as "/tenants/{tenant}/scim/v2/Users/{id}": the label of a request's
// route (http.Request.Pattern without its method and trailing "/{$}") is
// one of them, or the fallback's Base+"/".
func Paths() []string {
	var out []string
	for _, rt := range routes {
		_, path, ok := strings.Cut(rt.pattern, " ")
		if !ok {
			path = rt.pattern
		}
		if !slices.Contains(out, Base+path) {
			out = append(out, Base+path)
		}
	}
	return out
}

// handle serves a route: it authenticates the request, applies the rate
// limit, makes the call (tenant, schema set, body) and runs serve with it;
// an error of any of them is answered as a SCIM error (toSCIMError).
func (h *Handler) handle(typ string, serve func(*Handler, http.ResponseWriter, *http.Request, *call) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := h.begin(w, r, typ)
		if err == nil {
			w.Header().Set("Content-Type", contentType)
			err = serve(h, w, r, c)
		}
		if err != nil {
			h.writeError(w, r, err)
		}
	})
}

// fallback answers what no route serves: 405 with the methods the path is
// served with in Allow (HEAD wherever GET), or else 404.
func (h *Handler) fallback(w http.ResponseWriter, r *http.Request, _ *call) error {
	var allow []string
	probe := new(http.Request)
	*probe = *r
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); h.served[pattern] {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) == 0 {
		return errorf(http.StatusNotFound, "", "no endpoint at this path; see /ResourceTypes for the resource endpoints")
	}
	list := strings.Join(allow, ", ")
	w.Header().Set("Allow", list)
	return errorf(http.StatusMethodNotAllowed, "", r.Method+" is not allowed here; use "+list)
}

// serveMe answers /Me, which scimd does not offer.
func (h *Handler) serveMe(http.ResponseWriter, *http.Request, *call) error {
	return errorf(http.StatusNotImplemented, "", "/Me is not supported: scimd authenticates provisioning clients, not users")
}

// serveBulk answers /Bulk, which scimd does not offer.
func (h *Handler) serveBulk(http.ResponseWriter, *http.Request, *call) error {
	return errorf(http.StatusNotImplemented, "", "bulk operations are not supported (see /ServiceProviderConfig)")
}
