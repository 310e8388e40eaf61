package scim

import "strings"

// RouteOther is the route template of every path the SCIM API has no route
// for.
const RouteOther = "other"

// The route templates RouteTemplate returns, besides RouteOther.
const (
	routeBase          = "/tenants/{tenant}/scim/v2"
	routeRootSearch    = routeBase + "/.search"
	routeSPC           = routeBase + "/ServiceProviderConfig"
	routeSchemas       = routeBase + "/Schemas"
	routeSchema        = routeBase + "/Schemas/{id}"
	routeResourceTypes = routeBase + "/ResourceTypes"
	routeResourceType  = routeBase + "/ResourceTypes/{id}"
	routeMe            = routeBase + "/Me"
	routeBulk          = routeBase + "/Bulk"
	routeUsers         = routeBase + "/Users"
	routeUser          = routeBase + "/Users/{id}"
	routeUsersSearch   = routeBase + "/Users/.search"
	routeGroups        = routeBase + "/Groups"
	routeGroup         = routeBase + "/Groups/{id}"
	routeGroupsSearch  = routeBase + "/Groups/.search"
	routeApps          = routeBase + "/Apps"
	routeApp           = routeBase + "/Apps/{id}"
	routeUserApps      = routeBase + "/Users/{id}/apps"
	routeUserApp       = routeBase + "/Users/{id}/apps/{appId}"

	routeUserLogin              = routeBase + "/Users/{id}/login"
	routeUserSessions           = routeBase + "/Users/{id}/sessions"
	routeUserSessionsInvalidate = routeBase + "/Users/{id}/sessions/invalidate"
	routeSessionsInvalidate     = routeBase + "/sessions/invalidate"
	routeTagKeys                = routeBase + "/TagKeys"
	routeLimits                 = routeBase + "/Limits"
)

// RouteTemplates returns every value RouteTemplate can return, RouteOther
// included.
func RouteTemplates() []string {
	return []string{
		routeBase, routeRootSearch, routeSPC,
		routeSchemas, routeSchema, routeResourceTypes, routeResourceType,
		routeMe, routeBulk,
		routeUsers, routeUser, routeUsersSearch,
		routeGroups, routeGroup, routeGroupsSearch,
		routeApps, routeApp, routeUserApps, routeUserApp,
		routeUserLogin, routeUserSessions, routeUserSessionsInvalidate, routeSessionsInvalidate, routeTagKeys, routeLimits,
		RouteOther,
	}
}

// RouteTemplate returns the route template of a URL path (r.URL.Path) of
// the SCIM API, such as "/tenants/{tenant}/scim/v2/Users/{id}" for
// "/tenants/acme/scim/v2/Users/2819c223", for metrics and logs: it never
// contains a tenant name or a resource ID. Paths that no SCIM route serves
// give RouteOther, so the templates are a small fixed set (RouteTemplates)
// whatever paths clients send. Like the handler, it ignores one trailing
// slash. The method is not considered: "DELETE /Schemas" has the template
// of "/Schemas" although it is answered with 405.
//
// The User and Group endpoints are those of schemas.Default; RouteTemplate
// does not allocate.
func RouteTemplate(path string) string {
	rest, ok := strings.CutPrefix(path, "/tenants/")
	if !ok {
		return RouteOther
	}
	tenant, rest, _ := strings.Cut(rest, "/")
	if !validSegment(tenant) {
		return RouteOther
	}
	rest, ok = strings.CutPrefix(rest, "scim/v2")
	if !ok || (rest != "" && rest[0] != '/') {
		return RouteOther
	}
	// As route does: the path after /scim/v2 without one trailing slash.
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" {
		return routeBase
	}
	endpoint, id, hasID := strings.Cut(rest[1:], "/")
	if !hasID {
		switch endpoint {
		case ".search":
			return routeRootSearch
		case "ServiceProviderConfig":
			return routeSPC
		case "Schemas":
			return routeSchemas
		case "ResourceTypes":
			return routeResourceTypes
		case "Me":
			return routeMe
		case "Bulk":
			return routeBulk
		case "Users":
			return routeUsers
		case "Groups":
			return routeGroups
		case "Apps":
			return routeApps
		case "TagKeys":
			return routeTagKeys
		case "Limits":
			return routeLimits
		}
		return RouteOther
	}
	if endpoint == "sessions" && id == "invalidate" {
		return routeSessionsInvalidate
	}
	if endpoint == "Users" {
		if user, sub, ok := strings.Cut(id, "/"); ok && validSegment(user) && user != ".search" {
			switch app, hasApp := strings.CutPrefix(sub, "apps/"); {
			case sub == "apps":
				return routeUserApps
			case hasApp && validSegment(app) && strings.IndexByte(app, '/') < 0:
				return routeUserApp
			case sub == "login":
				return routeUserLogin
			case sub == "sessions":
				return routeUserSessions
			case sub == "sessions/invalidate":
				return routeUserSessionsInvalidate
			}
			return RouteOther
		}
	}
	if !validSegment(id) || strings.IndexByte(id, '/') >= 0 {
		return RouteOther
	}
	switch endpoint {
	case "Users":
		if id == ".search" {
			return routeUsersSearch
		}
		return routeUser
	case "Groups":
		if id == ".search" {
			return routeGroupsSearch
		}
		return routeGroup
	case "Apps":
		return routeApp
	case "Schemas":
		return routeSchema
	case "ResourceTypes":
		return routeResourceType
	}
	return RouteOther
}

// validSegment reports whether s can be a path segment that names a tenant
// or a resource: not empty, and not "." or "..", which a clean path has
// not.
func validSegment(s string) bool {
	return s != "" && s != "." && s != ".."
}
