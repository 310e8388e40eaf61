package scim

import (
	"net/http"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/schemas"
)

// serveSchemas answers GET /Schemas (RFC 7644 §4): the schemas of the
// protocol, then the core schema and the extensions of each resource type.
func (h *Handler) serveSchemas(w http.ResponseWriter, _ *http.Request, c *call) error {
	return discovery(w, c, "/Schemas", "")
}

// serveSchema answers GET /Schemas/{id}.
func (h *Handler) serveSchema(w http.ResponseWriter, r *http.Request, c *call) error {
	return discovery(w, c, "/Schemas", r.PathValue("id"))
}

// serveResourceTypes answers GET /ResourceTypes (RFC 7644 §4).
func (h *Handler) serveResourceTypes(w http.ResponseWriter, _ *http.Request, c *call) error {
	return discovery(w, c, "/ResourceTypes", "")
}

// serveResourceType answers GET /ResourceTypes/{id}.
func (h *Handler) serveResourceType(w http.ResponseWriter, r *http.Request, c *call) error {
	return discovery(w, c, "/ResourceTypes", r.PathValue("id"))
}

// discovery answers a discovery endpoint from the tenant's schema set: the
// list, or its entry id. The schemas of the protocol are named as RFC 7643
// §8.7.2 names them.
func discovery(w http.ResponseWriter, c *call, endpoint, id string) error {
	var list []any
	if endpoint == "/ResourceTypes" {
		for _, rt := range c.scope.Set.ResourceTypes() {
			if id == "" || id == rt.Name {
				list = append(list, resourceTypeOf(rt))
			}
		}
	} else {
		for _, s := range schemaList(c.scope.Set) {
			if id == "" || id == s.ID {
				m := s.ToMap()
				rfcSchemaName(m)
				list = append(list, m)
			}
		}
	}
	switch {
	case id == "":
		writeList(w, list)
	case len(list) == 0:
		return scimerrors.ScimErrorResourceNotFound(id)
	default:
		writeJSON(w, http.StatusOK, list[0])
	}
	return nil
}

// schemaList is what /Schemas lists, each schema once.
func schemaList(set schemas.Set) []schema.Schema {
	list := []schema.Schema{schema.Definition(), schema.ResourceTypeSchema(), schema.ServiceProviderConfigSchema()}
	seen := map[string]bool{}
	for _, rt := range set.ResourceTypes() {
		for _, s := range rt.Schemas() {
			if !seen[s.ID] {
				seen[s.ID] = true
				list = append(list, s)
			}
		}
	}
	return list
}

// resourceTypeOf is a resource type as /ResourceTypes shows it (RFC 7643
// §6).
func resourceTypeOf(rt schemas.ResourceType) map[string]any {
	exts := make([]map[string]any, 0, len(rt.Extensions))
	for _, e := range rt.Extensions {
		exts = append(exts, map[string]any{"schema": e.Schema.ID, "required": e.Required})
	}
	description := "Group"
	if rt.Name == schemas.UserType {
		description = "User Account"
	}
	return map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
		"id":               rt.Name,
		"name":             rt.Name,
		"description":      description,
		"endpoint":         rt.Endpoint,
		"schema":           rt.Schema.ID,
		"schemaExtensions": exts,
	}
}

// rfcSchemaNames are the names RFC 7643 §8.7.2 gives the schemas of the
// discovery resources (the schema library says "Resource Type" and
// "Service Provider Config").
var rfcSchemaNames = map[string]string{
	"urn:ietf:params:scim:schemas:core:2.0:ResourceType": "ResourceType",
	spcURN: "Service Provider Configuration",
	"urn:ietf:params:scim:schemas:core:2.0:Schema": "Schema",
}

// rfcSchemaName gives a schema resource of /Schemas its RFC name when it is
// one of the discovery schemas.
func rfcSchemaName(doc map[string]any) {
	id, _ := doc["id"].(string)
	if name, ok := rfcSchemaNames[id]; ok {
		doc["name"] = name
	}
}
