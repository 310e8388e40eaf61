package scim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/internal/rawjson"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A rawMember is a top-level member of a response written from the stored
// document: its value as stored, or one of the members render adds.
type rawMember struct {
	key   string
	value []byte
	added addedMember
}

// addedMember names a member render adds to the document.
type addedMember uint8

const (
	storedMember addedMember = iota
	idMember
	schemasMember
	metaMember
	groupsMember
)

// renderRaw appends to dst the JSON of render(c, rt, res) written from
// the stored document (res.Doc) without decoding it: the same members,
// in the same order (encoding/json sorts a map's keys, and the store
// writes documents with it), with the same escaping. ok is false when the
// resource needs render: a document read decoded, or one that
// directory.VisibleRaw cannot serve as stored, or a user with apps.
func renderRaw(dst []byte, c *call, rt *schemas.ResourceType, res storage.Resource) (out []byte, ok bool) {
	if res.Doc == nil || len(res.Apps) > 0 {
		return dst, false
	}
	fields, ok := directory.VisibleRaw(rt, res.Doc)
	if !ok {
		return dst, false
	}
	if rt.Name == schemas.GroupType && len(res.Members) > 0 {
		return dst, false
	}
	var buf [24]rawMember
	members := buf[:0]
	for _, f := range fields {
		members = append(members, rawMember{key: f.Key, value: f.Value})
	}
	members = append(members, rawMember{key: "id", added: idMember}, rawMember{key: "schemas", added: schemasMember},
		rawMember{key: "meta", added: metaMember})
	if rt.Name == schemas.UserType && len(res.Groups) > 0 {
		members = append(members, rawMember{key: "groups", added: groupsMember})
	}
	slices.SortFunc(members, func(a, b rawMember) int { return strings.Compare(a.key, b.key) })
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = rawjson.AppendString(dst, m.key)
		dst = append(dst, ':')
		switch m.added {
		case storedMember:
			dst = append(dst, m.value...)
		case idMember:
			dst = rawjson.AppendString(dst, res.ID)
		case schemasMember:
			dst = appendSchemas(dst, rt, fields)
		case metaMember:
			dst = appendMeta(dst, c, rt, &res)
		case groupsMember:
			dst = appendGroups(dst, c, res.Groups)
		}
	}
	return append(dst, '}'), true
}

// appendSchemas writes the schemas of a resource: the core schema, then
// each extension the response holds, as render lists them.
func appendSchemas(b []byte, rt *schemas.ResourceType, fields []rawjson.Field) []byte {
	b = append(b, '[')
	b = rawjson.AppendString(b, rt.Schema.ID)
	for _, e := range rt.Extensions {
		if slices.ContainsFunc(fields, func(f rawjson.Field) bool { return f.Key == e.Schema.ID }) {
			b = append(b, ',')
			b = rawjson.AppendString(b, e.Schema.ID)
		}
	}
	return append(b, ']')
}

// appendMeta writes meta as render makes it, its keys sorted.
func appendMeta(b []byte, c *call, rt *schemas.ResourceType, res *storage.Resource) []byte {
	b = append(b, `{"created":"`...)
	b = res.Meta.Created.UTC().AppendFormat(b, timeFormat)
	b = append(b, `","lastModified":"`...)
	b = res.Meta.LastModified.UTC().AppendFormat(b, timeFormat)
	b = append(b, `","location":`...)
	b = append(b, '"')
	b = appendPlain(b, c.base)
	b = appendPlain(b, rt.Endpoint)
	b = append(b, '/')
	b = appendPlain(b, res.ID)
	b = append(b, '"')
	b = append(b, `,"resourceType":`...)
	b = rawjson.AppendString(b, rt.Name)
	b = append(b, `,"version":`...)
	b = rawjson.AppendString(b, etag(res.Meta.Version))
	return append(b, '}')
}

// appendGroups writes a user's groups as render makes them, each one's
// keys sorted.
func appendGroups(b []byte, c *call, groups []storage.GroupRef) []byte {
	b = append(b, '[')
	for i, g := range groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"$ref":"`...)
		b = appendPlain(b, c.base)
		b = append(b, "/Groups/"...)
		b = appendPlain(b, g.Value)
		b = append(b, '"')
		b = append(b, `,"display":`...)
		b = rawjson.AppendString(b, g.Display)
		b = append(b, `,"type":`...)
		b = rawjson.AppendString(b, g.Type)
		b = append(b, `,"value":`...)
		b = rawjson.AppendString(b, g.Value)
		b = append(b, '}')
	}
	return append(b, ']')
}

// decoded returns res with its document decoded when the store gave it as
// stored (GetOptions.Raw), for render.
func decoded(res storage.Resource) (storage.Resource, error) {
	if res.Doc == nil {
		return res, nil
	}
	dec := json.NewDecoder(bytes.NewReader(res.Doc))
	dec.UseNumber()
	if err := dec.Decode(&res.Attributes); err != nil {
		return res, err
	}
	res.Doc = nil
	return res, nil
}

// writeResources writes a list response: resp, and the resources in its
// Resources, each written from its stored document when it can be
// (renderRaw), or else rendered and projected. The resources come first,
// where encoding/json puts "Resources" among resp's keys.
func writeResources(w http.ResponseWriter, c *call, rt *schemas.ResourceType, proj projection, resp map[string]any, list []storage.Resource) error {
	rest, err := json.Marshal(resp)
	if err != nil {
		return err
	}
	size := len(rest) + 32
	for _, res := range list {
		size += 2*len(res.Doc) + 512
	}
	b := append(make([]byte, 0, size), `{"Resources":[`...)
	for i, res := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = renderRaw(b, c, rt, res); ok {
			continue
		}
		if res, err = decoded(res); err != nil {
			return err
		}
		one, err := json.Marshal(proj.apply(render(c, rt, res)))
		if err != nil {
			return err
		}
		b = append(b, one...)
	}
	b = append(b, "],"...)
	b = append(b, rest[1:]...)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// appendPlain appends the inside of s as a JSON string (AppendString
// without its quotes), for a string made of parts.
func appendPlain(b []byte, s string) []byte {
	n := len(b)
	b = rawjson.AppendString(b, s)
	copy(b[n:], b[n+1:len(b)-1])
	return b[:len(b)-2]
}
