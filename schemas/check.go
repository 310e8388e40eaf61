package schemas

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/elimity-com/scim/schema"
)

// The error types of RFC 7644 §3.12 that the checks of this file and of
// check_patch.go return.
const (
	ScimTypeInvalidValue  = "invalidValue"
	ScimTypeInvalidSyntax = "invalidSyntax"
	ScimTypeInvalidPath   = "invalidPath"
	ScimTypeNoTarget      = "noTarget"
	ScimTypeMutability    = "mutability"
)

// A CheckError is a resource document or a PATCH request that the schemas
// of its resource type refuse. Its HTTP status is 400; nothing was
// written.
type CheckError struct {
	// Attribute is what the error is about, in SCIM's notation: an
	// attribute ("userName", "name.givenName", "emails[1].value",
	// "urn:…:enterprise:2.0:User:manager.value"), a PATCH path as sent,
	// "schemas" or "Operations"; "" for the body as a whole.
	Attribute string
	// ScimType is the SCIM error type (ScimTypeInvalidValue, …).
	ScimType string
	// Detail says what is wrong and what to fix, naming Attribute; for a
	// PATCH operation it starts with "operation N: ".
	Detail string
}

func (e *CheckError) Error() string { return e.Detail }

func checkErr(typ, attr, format string, args ...any) *CheckError {
	return &CheckError{Attribute: attr, ScimType: typ, Detail: fmt.Sprintf(format, args...)}
}

// externalID is the common attribute externalId as the schema library adds
// it to every resource's core schema when it validates a resource.
var externalID = sync.OnceValue(func() schema.CoreAttribute {
	return schema.SimpleCoreAttribute(schema.SimpleStringParams(schema.StringParams{
		CaseExact:  true,
		Mutability: schema.AttributeMutabilityReadWrite(),
		Name:       schema.CommonAttributeExternalID,
		Uniqueness: schema.AttributeUniquenessNone(),
	}))
})

// A scope is a schema as the checks look names up in it: a core schema
// with externalId, as the schema library validates resources, or an
// extension.
type scope struct {
	id    string
	attrs schema.Attributes
	core  bool
}

func (rt ResourceType) coreScope() scope {
	return scope{id: rt.Schema.ID, attrs: rt.Schema.Attributes, core: true}
}

// extra returns externalId when it is in scope but not in attrs.
func (s scope) extra() (schema.CoreAttribute, bool) {
	if !s.core {
		return schema.CoreAttribute{}, false
	}
	if _, ok := s.attrs.ContainsAttribute(schema.CommonAttributeExternalID); ok {
		return schema.CoreAttribute{}, false
	}
	return externalID(), true
}

// lookup finds an attribute of the scope by name, case-insensitively.
func (s scope) lookup(name string) (schema.CoreAttribute, bool) {
	if a, ok := s.attrs.ContainsAttribute(name); ok {
		return a, true
	}
	if x, ok := s.extra(); ok && strings.EqualFold(name, x.Name()) {
		return x, true
	}
	return schema.CoreAttribute{}, false
}

// Check checks a resource document, as the body of a POST or PUT carries
// it after scimd's client normalizations (decoded with
// json.Decoder.UseNumber), against the resource type: the core schema with
// externalId, and each extension whose URN is a key of doc. It refuses
// what github.com/elimity-com/scim's schema package refuses (see
// schema.Schema.Validate), with a *CheckError that names the attribute:
//   - schemas missing, or not listing the core schema's URN;
//   - a required attribute missing or null;
//   - a value of the wrong type ("active must be a boolean, got
//     \"maybe\""), a dateTime that is not xsd:dateTime, an integer with a
//     fraction; string booleans and numbers pass where the library takes
//     them (schema.SetAllowStringValues);
//   - a multi-valued attribute that is not an array (one object is taken
//     as one value);
//   - an attribute given twice in different case.
//
// Attributes no schema declares, and read-only ones, are ignored (RFC 7644
// §3.3). Extension keys are matched exactly, as the library matches them.
func (rt ResourceType) Check(doc map[string]any) error {
	if err := checkSchemasList(doc, rt.Schema.ID); err != nil {
		return err
	}
	if err := checkObject("", rt.Schema.Attributes, doc); err != nil {
		return err
	}
	if x, ok := rt.coreScope().extra(); ok {
		if err := checkObject("", schema.Attributes{x}, doc); err != nil {
			return err
		}
	}
	for _, e := range rt.Extensions {
		v := doc[e.Schema.ID]
		if v == nil {
			if e.Required {
				return checkErr(ScimTypeInvalidValue, e.Schema.ID, "the extension %s is required", e.Schema.ID)
			}
			continue
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return checkErr(ScimTypeInvalidSyntax, e.Schema.ID,
				"%s must be an object of the extension's attributes, got %s", e.Schema.ID, kind(v))
		}
		if err := checkObject(e.Schema.ID+":", e.Schema.Attributes, obj); err != nil {
			return err
		}
	}
	return nil
}

// checkSchemasList checks a resource's schemas: an array that lists urn,
// spelled exactly.
func checkSchemasList(doc map[string]any, urn string) error {
	v, ok := doc["schemas"]
	if !ok {
		if k, ok := keyFold(doc, "schemas"); ok {
			return checkErr(ScimTypeInvalidSyntax, "schemas", "schemas is required; the body has %q: spell it schemas", k)
		}
		return checkErr(ScimTypeInvalidSyntax, "schemas", "schemas is required: list the resource's schemas, such as [%q]", urn)
	}
	list, ok := v.([]any)
	if !ok {
		return checkErr(ScimTypeInvalidSyntax, "schemas", "schemas must be an array of schema URNs, such as [%q], got %s", urn, kind(v))
	}
	for _, el := range list {
		if el == urn {
			return nil
		}
	}
	for _, el := range list {
		if s, ok := el.(string); ok && strings.EqualFold(s, urn) {
			return checkErr(ScimTypeInvalidSyntax, "schemas", "schemas must list %s spelled exactly so, got %q", urn, s)
		}
	}
	return checkErr(ScimTypeInvalidSyntax, "schemas", "schemas must list %s, the resource's core schema", urn)
}

// keyFold returns the key of m equal to name under case folding.
func keyFold(m map[string]any, name string) (string, bool) {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// member returns the value of the key of obj that names attribute name
// (case-insensitively), refusing a name given twice. at is the attribute
// for the error.
func member(obj map[string]any, name, at string) (any, error) {
	return index{obj: obj, odd: slices.Collect(maps.Keys(obj))}.get(name, at)
}

// An index finds the members of a JSON object that name attributes, whose
// names are case-insensitive: a key spelled as the attribute is by a map
// lookup, the others (odd) by comparison.
type index struct {
	obj map[string]any
	odd []string // keys spelled unlike every attribute the index is for
}

func newIndex(obj map[string]any, attrs schema.Attributes) index {
	ix := index{obj: obj}
	for k := range obj {
		if !slices.ContainsFunc(attrs, func(a schema.CoreAttribute) bool { return a.Name() == k }) {
			ix.odd = append(ix.odd, k)
		}
	}
	return ix
}

// get returns the value of attribute name (nil when absent), refusing a
// name given more than once in different case. at names the attribute in
// errors.
func (ix index) get(name, at string) (any, error) {
	v, exact := ix.obj[name]
	n := 0
	if exact {
		n = 1
	}
	for _, k := range ix.odd {
		if k != name && strings.EqualFold(k, name) {
			if n == 0 {
				v = ix.obj[k]
			}
			n++
		}
	}
	if n <= 1 {
		return v, nil
	}
	var keys []string
	for k := range ix.obj {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return nil, checkErr(ScimTypeInvalidSyntax, at, "%s is given more than once, as %s: attribute names are case-insensitive; send it once",
		at, quoteAll(keys))
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, " and ")
}

// checkObject checks the members of obj that attrs name; prefix leads
// every attribute's name in errors ("" or "urn:…:User:").
func checkObject(prefix string, attrs schema.Attributes, obj map[string]any) error {
	ix := newIndex(obj, attrs)
	for _, a := range attrs {
		at := prefix + a.Name()
		v, err := ix.get(a.Name(), at)
		if err != nil {
			return err
		}
		if err := checkAttr(a, v, at); err != nil {
			return err
		}
	}
	return nil
}

// checkAttr checks the value of attribute a (nil when absent), as the
// schema library's CoreAttribute.validate does.
func checkAttr(a schema.CoreAttribute, v any, at string) error {
	readOnly := a.Mutability() == "readOnly"
	if v == nil {
		if a.Required() && !readOnly {
			return checkErr(ScimTypeInvalidValue, at, "%s is required", at)
		}
		return nil
	}
	if readOnly {
		return nil // ignored, as RFC 7644 §3.3 asks
	}
	if !a.MultiValued() {
		return checkSingular(a, v, at)
	}
	switch v := v.(type) {
	case map[string]any: // one value where an array is expected
		if a.Required() && len(v) == 0 {
			return checkErr(ScimTypeInvalidValue, at, "%s is required: give at least one value", at)
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if sub, ok := a.SubAttributes().ContainsAttribute(k); ok {
				if err := checkAttr(sub, v[k], at+"."+sub.Name()); err != nil {
					return err
				}
			}
		}
		return nil
	case []any:
		if a.Required() && len(v) == 0 {
			return checkErr(ScimTypeInvalidValue, at, "%s is required: give at least one value", at)
		}
		for i, el := range v {
			if err := checkSingular(a, el, at+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	}
	return checkErr(ScimTypeInvalidSyntax, at, "%s is multi-valued: it must be an array of %s, got %s", at, plural(a), kind(v))
}

// checkSingular checks one value of attribute a, as the schema library's
// CoreAttribute.ValidateSingular does (it decides every simple type).
func checkSingular(a schema.CoreAttribute, v any, at string) error {
	if a.AttributeType() == "complex" {
		obj, ok := v.(map[string]any)
		if !ok {
			return checkErr(ScimTypeInvalidValue, at, "%s must be an object%s, got %s", at, subHint(a), kind(v))
		}
		ix := newIndex(obj, a.SubAttributes())
		for _, sub := range a.SubAttributes() {
			subAt := at + "." + sub.Name()
			x, err := ix.get(sub.Name(), subAt)
			if err != nil {
				return err
			}
			if err := checkAttr(sub, x, subAt); err != nil {
				return err
			}
		}
		return nil
	}
	if _, serr := a.ValidateSingular(v); serr == nil {
		return nil
	}
	return checkErr(ScimTypeInvalidValue, at, "%s must be %s, got %s", at, typeNoun(a), describe(a, v))
}

// typeNoun says what a value of a simple attribute must be.
func typeNoun(a schema.CoreAttribute) string {
	switch a.AttributeType() {
	case "boolean":
		return "a boolean"
	case "integer":
		return "an integer"
	case "decimal":
		return "a number"
	case "dateTime":
		return "an xsd:dateTime such as 2024-05-01T09:30:00Z"
	case "binary":
		return "base64-encoded binary data"
	case "reference":
		return "a string (a reference)"
	}
	return "a string"
}

// plural names the values of a multi-valued attribute.
func plural(a schema.CoreAttribute) string {
	switch a.AttributeType() {
	case "complex":
		return "objects" + subHint(a)
	case "boolean":
		return "booleans"
	case "integer":
		return "integers"
	case "decimal":
		return "numbers"
	case "dateTime":
		return "xsd:dateTime strings"
	}
	return "strings"
}

// subHint gives an example object of a complex attribute: its value
// sub-attribute, or its first.
func subHint(a schema.CoreAttribute) string {
	subs := a.SubAttributes()
	if len(subs) == 0 {
		return ""
	}
	name := subs[0].Name()
	if v, ok := subs.ContainsAttribute("value"); ok {
		name = v.Name()
	}
	return fmt.Sprintf(` such as {"%s": …}`, name)
}

// kind names the JSON type of a value: "a string", "a number", "a
// boolean", "an object", "an array" or "null".
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return "a number"
}

// describe shows a value that attribute a refused: strings quoted (cut at
// 64 bytes), numbers as written where a number was expected, anything
// else by its kind.
func describe(a schema.CoreAttribute, v any) string {
	switch v := v.(type) {
	case string:
		return clipQuote(v)
	case json.Number:
		if t := a.AttributeType(); t == "integer" || t == "decimal" {
			return v.String()
		}
	case float64:
		if t := a.AttributeType(); t == "integer" || t == "decimal" {
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	return kind(v)
}
