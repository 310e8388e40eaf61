package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
)

const (
	ent    = schemas.EnterpriseUserURN
	custom = "urn:example:scimd:test:2.0:Custom"
)

// userDoc is a stored user: RFC 7643's Barbara Jensen with the enterprise
// extension, as storage returns it (numbers as json.Number).
const userDoc = `{
	"userName": "bjensen",
	"externalId": "bjensen-ext",
	"active": true,
	"displayName": "Babs Jensen",
	"name": {"givenName": "Barbara", "familyName": "Jensen"},
	"emails": [
		{"value": "bjensen@example.com", "type": "work", "primary": true},
		{"value": "babs@jensen.org", "type": "home"}
	],
	"addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"}],
	"x509Certificates": [{"value": "TUlJREN6Q0NBcXlnQXdJQkFnSUNFQUF3RFFZSktvWklodmNOQVFFRkJRQXdUakVMTUFrR0ExVUVCaE1DVlZNeA=="}],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
		"employeeNumber": "701984",
		"department": "Tour Operations",
		"manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
	}
}`

const groupDoc = `{"displayName": "Tour Guides", "externalId": "tg"}`

// customDoc is a user of customType: every attribute type, an immutable
// attribute and sub-attribute, and a required extension attribute.
const customDoc = `{
	"userName": "c",
	"urn:example:scimd:test:2.0:Custom": {
		"level": "L1",
		"costCode": "CC-1",
		"badge": 7,
		"devices": [{"value": "d1", "serial": "S1", "primary": true}]
	}
}`

const customSchema = `{
	"id": "urn:example:scimd:test:2.0:Custom",
	"name": "Custom",
	"attributes": [
		{"name": "badge", "type": "integer"},
		{"name": "score", "type": "decimal"},
		{"name": "hired", "type": "dateTime"},
		{"name": "photo", "type": "binary"},
		{"name": "tags", "type": "string", "multiValued": true},
		{"name": "costCode", "type": "string", "mutability": "immutable"},
		{"name": "level", "type": "string", "required": true},
		{"name": "devices", "type": "complex", "multiValued": true, "subAttributes": [
			{"name": "value", "type": "string"},
			{"name": "serial", "type": "string", "mutability": "immutable"},
			{"name": "primary", "type": "boolean"},
			{"name": "since", "type": "integer"}
		]}
	]
}`

func userType() *schemas.ResourceType {
	rt := schemas.Default().User
	return &rt
}

func groupType() *schemas.ResourceType {
	rt := schemas.Default().Group
	return &rt
}

func customType(t testing.TB) *schemas.ResourceType {
	var s schema.Schema
	if err := json.Unmarshal([]byte(customSchema), &s); err != nil {
		t.Fatalf("custom schema: %v", err)
	}
	rt := schemas.Default().User
	rt.Extensions = append(rt.Extensions, schemas.Extension{Schema: s})
	return &rt
}

// decode reads JSON the way storage and elimity do: numbers as json.Number.
func decode(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func decodeDoc(t testing.TB, s string) map[string]any {
	t.Helper()
	m, _ := decode(t, s).(map[string]any)
	return m
}

// rawOp is one operation as a client sends it.
type rawOp struct {
	Op    string  `json:"op"`
	Path  *string `json:"path"`
	Value any     `json:"value"`
}

// parseOps turns a JSON list of operations into what elimity hands the
// handler: the path parsed with filter.ParsePath, the value decoded with
// json.Number. Op is left as sent; Apply must handle any case.
func parseOps(data []byte) ([]Operation, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw []rawOp
	if err := dec.Decode(&raw); err != nil {
		return nil, err
	}
	ops := make([]Operation, 0, len(raw))
	for _, r := range raw {
		op := Operation{Op: r.Op, Value: r.Value}
		if r.Path != nil && *r.Path != "" {
			p, err := filter.ParsePath([]byte(*r.Path))
			if err != nil {
				return nil, fmt.Errorf("path %q: %w", *r.Path, err)
			}
			op.Path = &p
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func mustOps(t testing.TB, s string) []Operation {
	t.Helper()
	ops, err := parseOps([]byte(s))
	if err != nil {
		t.Fatalf("operations %s: %v", s, err)
	}
	return ops
}

// at returns the value at a "/"-separated key path of a document; list
// elements are addressed by index.
func at(doc any, path string) (any, bool) {
	cur := doc
	for _, k := range strings.Split(path, "/") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[k]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(k, "%d", &i); err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// checkScimError fails unless err is a 4xx scimerrors.ScimError value with
// a detail.
func checkScimError(t testing.TB, err error) scimerrors.ScimError {
	t.Helper()
	var p *scimerrors.ScimError
	if errors.As(err, &p) {
		t.Fatalf("error is a *ScimError pointer, want a value: %v", err)
	}
	var se scimerrors.ScimError
	if !errors.As(err, &se) {
		t.Fatalf("error %T is not a scimerrors.ScimError: %v", err, err)
	}
	if se.Status < 400 || se.Status > 499 || se.Detail == "" {
		t.Fatalf("error %+v: want a 4xx status and a detail", se)
	}
	return se
}

// validateDoc checks a document the way schema validation would: every key
// a canonical attribute name, every value of its attribute's type, no
// empty values, no read-only attributes, at most one primary per list.
func validateDoc(rt *schemas.ResourceType, doc map[string]any) error {
	for k, v := range doc {
		var def schema.CoreAttribute
		var ok bool
		switch {
		case k == "externalId":
			if s, isString := v.(string); !isString || s == "" {
				return fmt.Errorf("externalId: %#v is not a non-empty string", v)
			}
			continue
		case isExtension(rt, k):
			ext, isMap := v.(map[string]any)
			if !isMap || len(ext) == 0 {
				return fmt.Errorf("%s: %#v is not a non-empty object", k, v)
			}
			s, _ := extensionSchema(rt, k)
			for ek, ev := range ext {
				d, found := exactAttr(s.Attributes, ek)
				if !found {
					return fmt.Errorf("%s: unknown or non-canonical attribute %q", k, ek)
				}
				if err := validateValue(d, ev); err != nil {
					return fmt.Errorf("%s:%s: %w", k, ek, err)
				}
			}
			continue
		default:
			def, ok = exactAttr(rt.Schema.Attributes, k)
		}
		if !ok {
			return fmt.Errorf("unknown or non-canonical attribute %q", k)
		}
		if rt.Name == schemas.GroupType && k == "members" {
			return fmt.Errorf("members must not be in a group's document")
		}
		if err := validateValue(def, v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func isExtension(rt *schemas.ResourceType, k string) bool {
	_, ok := extensionSchema(rt, k)
	return ok
}

func extensionSchema(rt *schemas.ResourceType, k string) (schema.Schema, bool) {
	for _, e := range rt.Extensions {
		if e.Schema.ID == k {
			return e.Schema, true
		}
	}
	return schema.Schema{}, false
}

func exactAttr(attrs schema.Attributes, name string) (schema.CoreAttribute, bool) {
	for _, a := range attrs {
		if a.Name() == name {
			return a, true
		}
	}
	return schema.CoreAttribute{}, false
}

func validateValue(def schema.CoreAttribute, v any) error {
	if def.Mutability() == readOnly {
		return fmt.Errorf("read-only attribute stored")
	}
	if !def.MultiValued() {
		return validateSingle(def, v)
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return fmt.Errorf("%#v is not a non-empty list", v)
	}
	primaries := 0
	for _, el := range list {
		if err := validateSingle(def, el); err != nil {
			return err
		}
		if m, isMap := el.(map[string]any); isMap && m["primary"] == true {
			primaries++
		}
	}
	if primaries > 1 {
		return fmt.Errorf("%d elements have primary=true", primaries)
	}
	return nil
}

func validateSingle(def schema.CoreAttribute, v any) error {
	if isEmpty(v) {
		return fmt.Errorf("empty value %#v stored", v)
	}
	switch def.AttributeType() {
	case typeComplex:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%#v is not an object", v)
		}
		for k, x := range m {
			sub, found := exactAttr(def.SubAttributes(), k)
			if !found {
				return fmt.Errorf("unknown or non-canonical sub-attribute %q", k)
			}
			if err := validateValue(sub, x); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	case typeBoolean:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%#v is not a bool", v)
		}
		return nil
	case typeInteger:
		if _, ok := toInt(v); !ok || !isNumber(v) {
			return fmt.Errorf("%#v is not an integer", v)
		}
		return nil
	case typeDecimal:
		if !isNumber(v) {
			return fmt.Errorf("%#v is not a number", v)
		}
		return nil
	}
	if _, ok := v.(string); !ok {
		return fmt.Errorf("%#v is not a string", v)
	}
	if _, err := def.ValidateSingular(v); err != nil {
		return fmt.Errorf("%#v: %v", v, err.Detail)
	}
	return nil
}
