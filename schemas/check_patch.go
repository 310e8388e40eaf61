package schemas

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/elimity-com/scim/schema"
	"github.com/scim2/filter-parser/v2"
)

// PatchOpURN is the schema of a PATCH request (RFC 7644 §3.5.2).
const PatchOpURN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

// CheckPatch checks a PATCH request body, after scimd's client
// normalizations: CheckPatchRequest, then CheckPatchOp for each operation.
func (rt ResourceType) CheckPatch(doc map[string]any) error {
	if err := CheckPatchRequest(doc); err != nil {
		return err
	}
	opsKey, _ := keyFold(doc, "Operations")
	for i, op := range doc[opsKey].([]any) {
		if err := rt.CheckPatchOp(i+1, op.(map[string]any)); err != nil {
			return err
		}
	}
	return nil
}

// CheckPatchRequest checks the envelope of a PATCH request body (decoded
// with json.Decoder.UseNumber), as sent: schemas is exactly [PatchOpURN],
// Operations is an array of at least one operation, and each operation is
// an object whose op is add, remove or replace (in any case) and whose
// path, if any, is a string. What the paths and values say is
// CheckPatchOp's.
func CheckPatchRequest(doc map[string]any) error {
	want := fmt.Sprintf("[%q]", PatchOpURN)
	sv, err := member(doc, "schemas", "schemas")
	if err != nil {
		return err
	}
	list, isList := sv.([]any)
	switch {
	case sv == nil:
		return checkErr(ScimTypeInvalidValue, "schemas", "schemas is required: a PATCH request's schemas is %s", want)
	case !isList:
		return checkErr(ScimTypeInvalidSyntax, "schemas", "schemas must be %s, got %s", want, kind(sv))
	case len(list) != 1 || list[0] != PatchOpURN:
		return checkErr(ScimTypeInvalidValue, "schemas", "schemas must be %s: a PATCH request lists that schema alone, spelled exactly so", want)
	}
	ov, err := member(doc, "Operations", "Operations")
	if err != nil {
		return err
	}
	ops, isList := ov.([]any)
	switch {
	case ov != nil && !isList:
		return checkErr(ScimTypeInvalidSyntax, "Operations", "Operations must be an array of operations, got %s", kind(ov))
	case len(ops) == 0:
		return checkErr(ScimTypeInvalidValue, "Operations",
			`Operations must hold at least one operation, such as {"op": "replace", "path": "displayName", "value": "Ada"}`)
	}
	for i, o := range ops {
		n := i + 1
		op, ok := o.(map[string]any)
		if !ok {
			return checkErr(ScimTypeInvalidSyntax, "Operations",
				`operation %d of Operations must be an object such as {"op": "add", "path": "nickName", "value": "Babs"}, got %s`, n, kind(o))
		}
		if _, err := opName(op); err != nil {
			return inOperation(n, err)
		}
		if _, err := opPath(op); err != nil {
			return inOperation(n, err)
		}
	}
	return nil
}

// inOperation puts the number of the operation before an error's detail.
func inOperation(n int, err error) error {
	if ce, ok := errors.AsType[*CheckError](err); ok && n > 0 {
		c := *ce
		c.Detail = "operation " + strconv.Itoa(n) + ": " + c.Detail
		return &c
	}
	return err
}

// opName returns an operation's op in lower case.
func opName(op map[string]any) (string, error) {
	v, err := member(op, "op", "op")
	if err != nil {
		return "", err
	}
	s, isString := v.(string)
	switch name := strings.ToLower(s); {
	case v == nil:
		return "", checkErr(ScimTypeInvalidSyntax, "op", "op is required: add, remove or replace")
	case !isString:
		return "", checkErr(ScimTypeInvalidSyntax, "op", "op must be add, remove or replace, got %s", kind(v))
	case name == "add" || name == "remove" || name == "replace":
		return name, nil
	}
	return "", checkErr(ScimTypeInvalidSyntax, "op", "op must be add, remove or replace, got %s", clipQuote(s))
}

// opPath returns an operation's path, "" when it has none.
func opPath(op map[string]any) (string, error) {
	v, err := member(op, "path", "path")
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if v != nil && !ok {
		return "", checkErr(ScimTypeInvalidPath, "path", `path must be a string such as "name.givenName", got %s`, kind(v))
	}
	return s, nil
}

// clipQuote quotes a string a client sent, cut after 64 bytes (at a
// character boundary).
func clipQuote(s string) string {
	if len(s) <= 64 {
		return strconv.Quote(s)
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// CheckPatchOp checks PATCH operation number n (from 1, as sent; 0 leaves
// the number out of details) after scimd's client normalizations, as the
// schema library's PATCH validation does: the op; the path, which must
// parse and name an attribute of the resource type (an attribute of an
// extension with its URN), its value filter only sub-attributes of it; a
// value of the type the path names, or for a path-less add or replace an
// object whose keys are such paths. remove needs a path. The error says
// why a path names nothing.
func (rt ResourceType) CheckPatchOp(n int, op map[string]any) error {
	return inOperation(n, rt.checkPatchOp(op))
}

func (rt ResourceType) checkPatchOp(op map[string]any) error {
	name, err := opName(op)
	if err != nil {
		return err
	}
	path, err := opPath(op)
	if err != nil {
		return err
	}
	value, err := member(op, "value", "value")
	if err != nil {
		return err
	}
	update := name != "remove"
	switch {
	case path == "" && !update:
		return checkErr(ScimTypeNoTarget, "path", "remove needs a path naming the attribute or values to remove")
	case value == nil && update:
		return checkErr(ScimTypeInvalidValue, "value", "%s needs a value", name)
	case path == "":
		return rt.checkPathless(name, value)
	}
	t, err := rt.resolvePath(path, update)
	if err != nil {
		return err
	}
	if value == nil {
		return nil
	}
	return checkOpValue(t, value, path)
}

// checkOpValue checks the value of an operation on attribute a: a list
// or one value of a multi-valued attribute, one value of a single-valued
// one.
func checkOpValue(a schema.CoreAttribute, value any, at string) error {
	list, ok := value.([]any)
	if !a.MultiValued() || !ok {
		return checkSingular(a, value, at)
	}
	for i, el := range list {
		if err := checkSingular(a, el, at+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	return nil
}

// checkPathless checks the value of a path-less add or replace: an object
// whose keys are attribute paths, or a schema's URN whose value is an
// object of that schema's attributes. The id key is ignored (Okta sends
// the group's own).
func (rt ResourceType) checkPathless(name string, value any) error {
	obj, ok := value.(map[string]any)
	if !ok {
		return checkErr(ScimTypeInvalidValue, "value",
			`%s without a path needs a value that is an object of attributes, such as {"displayName": "Ada"}, got %s`, name, kind(value))
	}
	if _, err := member(obj, "id", "id"); err != nil {
		return err
	}
	core := rt.coreScope()
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if strings.EqualFold(k, "id") {
			continue
		}
		if sc, ok := rt.scopeExact(k); ok {
			inner, ok := obj[k].(map[string]any)
			if !ok {
				return checkErr(ScimTypeInvalidValue, k, "%s must be an object of the schema's attributes, got %s", k, kind(obj[k]))
			}
			for _, ik := range slices.Sorted(maps.Keys(inner)) {
				if err := rt.checkKey(sc, ik, k+":"+ik, inner[ik]); err != nil {
					return err
				}
			}
			continue
		}
		if err := rt.checkKey(core, k, k, obj[k]); err != nil {
			return err
		}
	}
	return nil
}

// checkKey checks one key of a path-less value and its value v. Keys
// without a URN name attributes of base (the core schema, or the schema
// whose object holds the key).
func (rt ResourceType) checkKey(base scope, key, at string, v any) error {
	where := "value key " + strconv.Quote(at)
	p, err := parsePath(key)
	if err != nil {
		return checkErr(ScimTypeInvalidValue, at, `%s is not an attribute path: write keys such as "name.givenName" or "urn:…:User:department"`, where)
	}
	sc := base
	if uri := p.AttributePath.URI(); uri != "" {
		if sc, err = rt.schemaOf(uri, at, where, ScimTypeInvalidValue, p); err != nil {
			return err
		}
	}
	a, ok := sc.lookup(p.AttributePath.AttributeName)
	if !ok {
		return checkErr(ScimTypeInvalidValue, at, "%s names no attribute: %s", where, rt.whyUnknown(sc, p.AttributePath, base.core))
	}
	if a, err = refine(a, p, at, where, ScimTypeInvalidValue, true); err != nil {
		return err
	}
	return checkOpValue(a, v, at)
}

// resolvePath resolves the path of an operation to the attribute it
// writes, as the schema library does: a path without a URN names an
// attribute of the core schema (or externalId). update tells add and
// replace, whose value filters may only name sub-attributes of a complex
// attribute, from remove.
func (rt ResourceType) resolvePath(path string, update bool) (schema.CoreAttribute, error) {
	where := "path " + strconv.Quote(path)
	p, err := parsePath(path)
	if err != nil {
		return schema.CoreAttribute{}, checkErr(ScimTypeInvalidPath, path, `%s is not a valid attribute path: write it as in "nickName", `+
			`"name.givenName", "emails[type eq \"work\"].value" or "urn:…:enterprise:2.0:User:department"`, where)
	}
	ap := p.AttributePath
	sc := rt.coreScope()
	if uri := ap.URI(); uri != "" {
		if sc, err = rt.schemaOf(uri, path, where, ScimTypeInvalidPath, p); err != nil {
			return schema.CoreAttribute{}, err
		}
	}
	a, ok := sc.lookup(ap.AttributeName)
	if !ok {
		lower := strings.ToLower(ap.AttributeName)
		if ap.URI() == "" && (lower == "id" || lower == "meta") {
			return schema.CoreAttribute{}, checkErr(ScimTypeMutability, path, "the attribute %s is read-only and cannot be changed", path)
		}
		return schema.CoreAttribute{}, checkErr(ScimTypeInvalidPath, path, "%s names no attribute: %s", where, rt.whyUnknown(sc, ap, ap.URI() == ""))
	}
	return refine(a, p, path, where, ScimTypeInvalidPath, update)
}

// refine follows a path from its attribute a through its sub-attribute,
// value filter and the sub-attribute after the filter, and returns the
// attribute the path ends at. at is the path for errors, where its
// description ("path \"…\""), typ their SCIM type.
func refine(a schema.CoreAttribute, p filter.Path, at, where, typ string, update bool) (schema.CoreAttribute, error) {
	top := a.Name()
	if sub := p.AttributePath.SubAttributeName(); sub != "" {
		if p.ValueExpression != nil || p.SubAttribute != nil {
			return a, checkErr(typ, at, `%s: a filter or sub-attribute must follow the attribute name, as in emails[type eq "work"].value`, where)
		}
		s, err := subAttribute(a, sub, at, where, typ)
		if err != nil {
			return a, err
		}
		a = s
	}
	if p.ValueExpression != nil {
		attrs := a.SubAttributes()
		if a.AttributeType() != "complex" {
			if update {
				return a, checkErr(typ, at, "%s: add and replace cannot filter the values of %s, which has no sub-attributes; "+
					"remove the values with the filter, then add the new ones", where, top)
			}
			attrs = schema.Attributes{valueOf(a)}
		}
		if err := checkFilter(p.ValueExpression, attrs, top, at, where, typ); err != nil {
			return a, err
		}
	}
	if sub := p.SubAttributeName(); sub != "" {
		return subAttribute(a, sub, at, where, typ)
	}
	return a, nil
}

// valueOf returns the "value" attribute by which the values of a simple
// multi-valued attribute are filtered, as in aliases[value eq "x"].
func valueOf(a schema.CoreAttribute) schema.CoreAttribute {
	switch a.AttributeType() {
	case "boolean":
		return schema.SimpleCoreAttribute(schema.SimpleBooleanParams(schema.BooleanParams{Name: "value"}))
	case "binary":
		return schema.SimpleCoreAttribute(schema.SimpleBinaryParams(schema.BinaryParams{Name: "value"}))
	}
	return schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{Name: "value"}))
}

// subAttribute returns the sub-attribute name of a.
func subAttribute(a schema.CoreAttribute, name, at, where, typ string) (schema.CoreAttribute, error) {
	if !a.HasSubAttributes() {
		return a, checkErr(typ, at, "%s: %s has no sub-attributes", where, a.Name())
	}
	s, ok := a.SubAttributes().ContainsAttribute(name)
	if !ok {
		return a, checkErr(typ, at, "%s: %s has no sub-attribute %s; its sub-attributes are %s",
			where, a.Name(), name, names(a.SubAttributes()))
	}
	return s, nil
}

// checkFilter checks that the comparisons of a value filter on attribute
// top name attributes among attrs, with operators their type takes.
func checkFilter(e filter.Expression, attrs schema.Attributes, top, at, where, typ string) error {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		if err := checkFilter(e.Left, attrs, top, at, where, typ); err != nil {
			return err
		}
		return checkFilter(e.Right, attrs, top, at, where, typ)
	case *filter.NotExpression:
		return checkFilter(e.Expression, attrs, top, at, where, typ)
	case *filter.AttributeExpression:
		ap := e.AttributePath
		a, ok := attrs.ContainsAttribute(ap.AttributeName)
		if !ok {
			return checkErr(typ, at, "%s: the filter names %s, which is not a sub-attribute of %s; its sub-attributes are %s",
				where, ap.AttributeName, top, names(attrs))
		}
		if sub := ap.SubAttributeName(); sub != "" {
			s, err := subAttribute(a, sub, at, where, typ)
			if err != nil {
				return err
			}
			a = s
		}
		if t := a.AttributeType(); t == "boolean" || t == "binary" {
			switch e.Operator {
			case filter.GT, filter.LT, filter.GE, filter.LE:
				return checkErr(typ, at, "%s: %s is a %s and cannot be compared with %s; use eq or ne", where, a.Name(), t, e.Operator)
			}
		}
	}
	return nil
}

// names lists attribute names for a detail.
func names(attrs schema.Attributes) string {
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = a.Name()
	}
	return strings.Join(out, ", ")
}

// scopeExact returns the scope of the core schema or the extension whose
// URN is s, spelled exactly.
func (rt ResourceType) scopeExact(s string) (scope, bool) {
	if s == rt.Schema.ID {
		return rt.coreScope(), true
	}
	for _, e := range rt.Extensions {
		if s == e.Schema.ID {
			return scope{id: e.Schema.ID, attrs: e.Schema.Attributes}, true
		}
	}
	return scope{}, false
}

// schemaOf returns the scope of a path's URN, or says why the URN names
// none of the resource type's schemas.
func (rt ResourceType) schemaOf(uri, at, where, typ string, p filter.Path) (scope, error) {
	if sc, ok := rt.scopeExact(uri); ok {
		return sc, nil
	}
	for _, sc := range rt.Schemas() {
		switch {
		case strings.EqualFold(uri, sc.ID):
			return scope{}, checkErr(typ, at, "%s: write the schema URN as %s, spelled exactly so", where, sc.ID)
		case strings.EqualFold(uri+":"+p.AttributePath.AttributeName, sc.ID):
			return scope{}, checkErr(typ, at, "%s names the whole schema %s: name one of its attributes, as in %s:%s",
				where, sc.ID, sc.ID, firstName(sc))
		}
	}
	return scope{}, checkErr(typ, at, "%s: %s is not a schema of %s resources; their schemas are %s",
		where, uri, rt.Name, rt.schemaIDs())
}

func firstName(sc schema.Schema) string {
	if len(sc.Attributes) == 0 {
		return "attribute"
	}
	return sc.Attributes[0].Name()
}

func (rt ResourceType) schemaIDs() string {
	var ids []string
	for _, sc := range rt.Schemas() {
		ids = append(ids, sc.ID)
	}
	return strings.Join(ids, ", ")
}

// whyUnknown says why an attribute path names nothing in scope sc: the
// attribute is another schema's (whose URN it then needs), or no schema of
// the resource type has it. bare tells a path without a URN.
func (rt ResourceType) whyUnknown(sc scope, ap filter.AttributePath, bare bool) string {
	name := ap.AttributeName
	if bare {
		for _, e := range rt.Extensions {
			if a, ok := e.Schema.Attributes.ContainsAttribute(name); ok && e.Schema.ID != sc.id {
				return fmt.Sprintf("%s is an attribute of the extension %s: write it as %s:%s", a.Name(), e.Schema.ID, e.Schema.ID, a.Name())
			}
		}
	}
	if strings.EqualFold(name, "schemas") {
		return "schemas is not an attribute a PATCH can change"
	}
	what := rt.Name + " resources have"
	if sc.id != rt.Schema.ID {
		what = "the schema " + sc.id + " has"
	}
	return fmt.Sprintf("%s no attribute %s", what, name)
}
