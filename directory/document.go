package directory

import (
	"strings"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A document is the body of a create or replace as the service stores it:
// its attributes validated against the resource type's schemas, a group's
// members, and what the body says about a user's metadata, which no schema
// declares.
type document struct {
	attrs    map[string]any
	members  []storage.Member
	metadata *metadataRequest // nil when the body has no metadata key
}

// readDocument reads the decoded body of a create or replace of rt, the
// way every door reads one: the client quirks are normalised (a manager
// given as its id, members' displayName), a user's metadata is taken out,
// and the rest is checked against the resource type's schemas
// (schemas.ResourceType.Check, whose refusals name the attribute and say
// what to fix), then validated against the core schema, the common
// attribute externalId and the extensions with the schema library:
// attribute names are matched without regard to case and canonicalised,
// values must have their attribute's type, unknown and read-only
// attributes are dropped. The body must list the core schema in "schemas"
// unless implicitSchemas, which lists the core schema and the extensions
// the body has keys for. body's maps may be changed.
func readDocument(rt *schemas.ResourceType, body any, implicitSchemas bool) (document, error) {
	doc, ok := body.(map[string]any)
	if !ok {
		return document{}, notAnObject("a "+rt.Name+" resource", body)
	}
	var d document
	if rt.Name == schemas.UserType {
		m, err := takeBodyMetadata(doc)
		if err != nil {
			return document{}, err
		}
		d.metadata = m
	}
	normalizeManager(doc)
	if k, ok := keyOf(doc, "members"); ok {
		memberDisplayNames(doc[k])
	}
	if _, ok := keyOf(doc, "schemas"); !ok && implicitSchemas {
		list := []any{rt.Schema.ID}
		for _, e := range rt.Extensions {
			if _, ok := keyOf(doc, e.Schema.ID); ok {
				list = append(list, e.Schema.ID)
			}
		}
		doc["schemas"] = list
	}
	if err := rt.Check(doc); err != nil {
		return document{}, fromCheck(err)
	}
	attrs, err := validate(rt, doc)
	if err != nil {
		return document{}, err
	}
	d.attrs, d.members, err = documentOf(rt, attrs)
	return d, err
}

// validate validates a document with the schema library, as SCIM's POST
// and PUT bodies are validated.
func validate(rt *schemas.ResourceType, doc map[string]any) (map[string]any, error) {
	attrs, serr := schemas.WithExternalID(rt.Schema).Validate(doc)
	if serr != nil {
		return nil, fromSCIM(serr)
	}
	for _, e := range rt.Extensions {
		k, ok := keyOf(doc, e.Schema.ID)
		if !ok || doc[k] == nil {
			if e.Required {
				return nil, refusal(Invalid, TypeInvalidValue, "the extension "+e.Schema.ID+" is required")
			}
			continue
		}
		ext, serr := e.Schema.ValidateExtension(doc[k])
		if serr != nil {
			return nil, fromSCIM(serr)
		}
		attrs[e.Schema.ID] = ext
	}
	return attrs, nil
}

// documentOf splits validated POST or PUT attributes into the stored
// document and, for groups, the member list. Read-only input (id, meta, a
// user's groups) is dropped.
func documentOf(rt *schemas.ResourceType, attrs map[string]any) (map[string]any, []storage.Member, error) {
	doc := make(map[string]any, len(attrs))
	var members []storage.Member
	for k, v := range attrs {
		switch {
		case strings.EqualFold(k, "id"), strings.EqualFold(k, "meta"), strings.EqualFold(k, "schemas"):
		case rt.Name == schemas.UserType && strings.EqualFold(k, "groups"):
		case rt.Name == schemas.GroupType && strings.EqualFold(k, "members"):
			list, err := membersOf(v)
			if err != nil {
				return nil, nil, err
			}
			members = list
		default:
			doc[k] = v
		}
	}
	if doc, ok := dropEmpty(doc).(map[string]any); ok {
		return doc, members, nil
	}
	return map[string]any{}, members, nil
}

// membersOf reads a members value: a list of {value, type?, display?}.
func membersOf(v any) ([]storage.Member, error) {
	list, ok := v.([]any)
	if !ok {
		if m, isMap := v.(map[string]any); isMap {
			list = []any{m}
		} else if v != nil {
			return nil, refusal(Invalid, TypeInvalidValue, "members must be a list of objects with a value")
		}
	}
	out := make([]storage.Member, 0, len(list))
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			return nil, refusal(Invalid, TypeInvalidValue, "each member must be an object with a value")
		}
		id, _ := m["value"].(string)
		if id == "" {
			return nil, refusal(Invalid, TypeInvalidValue, "each member needs a value: the id of a user or group")
		}
		typ, _ := m["type"].(string)
		display, _ := m["display"].(string)
		out = append(out, storage.Member{Value: id, Type: typ, Display: display})
	}
	return out, nil
}

// dropEmpty removes nulls, empty strings, empty lists and empty objects, so
// that "title": null and "addresses": [] mean absent.
func dropEmpty(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if x = dropEmpty(x); x != nil {
				out[k] = x
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		out := make([]any, 0, len(v))
		for _, x := range v {
			if x = dropEmpty(x); x != nil {
				out = append(out, x)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if v == "" {
			return nil
		}
	}
	return v
}

// deepCopyMap copies a document so that changes to the copy never reach
// the original; nil gives an empty map.
func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return deepCopyMap(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopyValue(x)
		}
		return out
	}
	return v
}
