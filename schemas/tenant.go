package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/elimity-com/scim/schema"
)

// URNs of the tenant extension schemas: each tenant's custom attributes of
// users and groups live in these extensions. The URNs are the same for
// every tenant; what they hold is the tenant's own.
const (
	TenantUserURN  = "urn:scimd:schemas:extension:tenant:2.0:User"
	TenantGroupURN = "urn:scimd:schemas:extension:tenant:2.0:Group"
)

// Limits of a tenant definition.
const (
	MaxCustomAttributes = 100 // per resource type
	MaxSubAttributes    = 20
)

// A Definition is a tenant's custom schema: the attributes it adds to users
// and to groups. Its JSON form is what "scimd schema set" reads:
//
//	{"User": [{"name": "badgeId", "type": "string", "identifier": true}],
//	 "Group": [{"name": "costCenter", "type": "string"}]}
//
// Each attribute takes RFC 7643 §7's characteristics: type (string,
// boolean, integer, decimal, dateTime, reference or complex), multiValued,
// required, caseExact, mutability, returned, uniqueness (none or server),
// canonicalValues, referenceTypes, description and, for complex attributes,
// one level of subAttributes. identifier marks a single-valued string
// attribute that is unique in the tenant and identifies a user.
//
// uniqueEmails makes every email address (emails.value, compared
// case-insensitively) belong to at most one user of the tenant:
//
//	{"uniqueEmails": true, "User": [...]}
type Definition struct {
	UniqueEmails bool           `json:"uniqueEmails,omitempty"`
	User         []AttributeDef `json:"User,omitempty"`
	Group        []AttributeDef `json:"Group,omitempty"`
}

// An AttributeDef defines one custom attribute.
type AttributeDef struct {
	Name            string         `json:"name"`
	Type            string         `json:"type"`
	MultiValued     bool           `json:"multiValued,omitempty"`
	Required        bool           `json:"required,omitempty"`
	CaseExact       bool           `json:"caseExact,omitempty"`
	Mutability      string         `json:"mutability,omitempty"`
	Returned        string         `json:"returned,omitempty"`
	Uniqueness      string         `json:"uniqueness,omitempty"`
	CanonicalValues []string       `json:"canonicalValues,omitempty"`
	ReferenceTypes  []string       `json:"referenceTypes,omitempty"`
	Description     string         `json:"description,omitempty"`
	SubAttributes   []AttributeDef `json:"subAttributes,omitempty"`
	Identifier      bool           `json:"identifier,omitempty"`
}

// A DefinitionError says what is wrong with a definition, in words a person
// can act on.
type DefinitionError struct{ Problems []string }

func (e *DefinitionError) Error() string {
	return "invalid schema definition: " + strings.Join(e.Problems, "; ")
}

// ParseDefinition reads and validates a definition. Unknown fields are
// errors, so that a misspelled characteristic is not silently ignored.
func ParseDefinition(b []byte) (Definition, error) {
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, &DefinitionError{Problems: []string{"not a schema definition: " + err.Error()}}
	}
	return d, d.Validate()
}

var (
	attrName   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
	types      = []string{"string", "boolean", "integer", "decimal", "dateTime", "reference", "complex"}
	mutability = []string{"", "readWrite", "readOnly", "immutable", "writeOnly"}
	returned   = []string{"", "default", "always", "never", "request"}
	uniqueness = []string{"", "none", "server"}
)

// Validate checks a definition.
func (d Definition) Validate() error {
	var problems []string
	check := func(typ string, core schema.Schema, list []AttributeDef) {
		if len(list) > MaxCustomAttributes {
			problems = append(problems, fmt.Sprintf("%s: %d attributes; at most %d are allowed", typ, len(list), MaxCustomAttributes))
		}
		seen := map[string]bool{}
		for _, a := range list {
			where := typ + "." + a.Name
			if seen[strings.ToLower(a.Name)] {
				problems = append(problems, where+": defined twice (names are case-insensitive)")
			}
			seen[strings.ToLower(a.Name)] = true
			if _, clash := core.Attributes.ContainsAttribute(a.Name); clash {
				problems = append(problems, where+": the core "+typ+" schema has an attribute of this name")
			}
			if _, clash := Common().ContainsAttribute(a.Name); clash {
				problems = append(problems, where+": id, externalId, meta and schemas are common attributes")
			}
			if typ == UserType && strings.EqualFold(a.Name, "metadata") {
				problems = append(problems, where+": metadata is reserved: it names a user's schemaless metadata")
			}
			problems = append(problems, a.problems(where, true)...)
		}
	}
	check(UserType, User(), d.User)
	check(GroupType, Group(), d.Group)
	if len(problems) > 0 {
		return &DefinitionError{Problems: problems}
	}
	return nil
}

func (a AttributeDef) problems(where string, top bool) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, where+": "+fmt.Sprintf(format, args...)) }
	if !attrName.MatchString(a.Name) {
		add("a name starts with a letter and holds letters, digits, '_' and '-' only")
	}
	if !slices.Contains(types, a.Type) {
		add("type %q is not one of %s", a.Type, strings.Join(types, ", "))
	}
	if !slices.Contains(mutability, a.Mutability) {
		add("mutability %q is not one of readWrite, readOnly, immutable, writeOnly", a.Mutability)
	}
	if !slices.Contains(returned, a.Returned) {
		add("returned %q is not one of default, always, never, request", a.Returned)
	}
	if !slices.Contains(uniqueness, a.Uniqueness) {
		add("uniqueness %q is not one of none, server", a.Uniqueness)
	}
	if a.Type == "complex" {
		switch {
		case !top:
			add("a sub-attribute cannot be complex (one level of sub-attributes)")
		case len(a.SubAttributes) == 0:
			add("a complex attribute needs subAttributes")
		case len(a.SubAttributes) > MaxSubAttributes:
			add("at most %d subAttributes are allowed", MaxSubAttributes)
		}
		seen := map[string]bool{}
		for _, s := range a.SubAttributes {
			if seen[strings.ToLower(s.Name)] {
				add("sub-attribute %s is defined twice", s.Name)
			}
			seen[strings.ToLower(s.Name)] = true
			out = append(out, s.problems(where+"."+s.Name, false)...)
			if a.MultiValued && s.Uniqueness == "server" {
				add("sub-attribute %s cannot be unique: %s is multi-valued", s.Name, a.Name)
			}
		}
		if a.Uniqueness == "server" {
			add("a complex attribute cannot be unique; make a sub-attribute an attribute of its own")
		}
	} else if len(a.SubAttributes) > 0 {
		add("only complex attributes have subAttributes")
	}
	if len(a.CanonicalValues) > 0 && a.Type != "string" && a.Type != "reference" {
		add("canonicalValues apply to strings only")
	}
	if a.Uniqueness == "server" && a.MultiValued {
		add("a multi-valued attribute cannot be unique")
	}
	// Storage keeps string, reference and dateTime values unique; numbers,
	// booleans and values never returned (secrets) have no uniqueness index.
	if a.Uniqueness == "server" && !slices.Contains([]string{"string", "reference", "dateTime", "complex"}, a.Type) {
		add("only string, reference and dateTime attributes can be unique")
	}
	if a.IsUnique() && a.Returned == "never" {
		add("a unique attribute cannot be returned \"never\"")
	}
	if a.Identifier {
		switch {
		case !top:
			add("a sub-attribute cannot be an identifier")
		case a.Type != "string" || a.MultiValued:
			add("an identifier is a single-valued string")
		case a.Uniqueness == "none":
			add("an identifier is unique: drop uniqueness \"none\"")
		}
	}
	return out
}

// IsUnique reports whether values of the attribute must be unique in the
// tenant: identifiers and attributes with uniqueness "server".
func (a AttributeDef) IsUnique() bool { return a.Identifier || a.Uniqueness == "server" }

// rfcAttribute is the attribute in RFC 7643 §7 form.
func (a AttributeDef) rfcAttribute() map[string]any {
	m := map[string]any{
		"name": a.Name, "type": a.Type, "multiValued": a.MultiValued, "required": a.Required,
		"caseExact": a.CaseExact, "mutability": or(a.Mutability, "readWrite"), "returned": or(a.Returned, "default"),
		"uniqueness": or(a.Uniqueness, "none"),
	}
	if a.IsUnique() {
		m["uniqueness"] = "server"
	}
	if a.Description != "" {
		m["description"] = a.Description
	}
	if len(a.CanonicalValues) > 0 {
		m["canonicalValues"] = a.CanonicalValues
	}
	if len(a.ReferenceTypes) > 0 {
		m["referenceTypes"] = a.ReferenceTypes
	}
	if a.Type == "complex" {
		subs := make([]any, len(a.SubAttributes))
		for i, s := range a.SubAttributes {
			subs[i] = s.rfcAttribute()
		}
		m["subAttributes"] = subs
	}
	return m
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// extensionSchema builds the tenant extension schema of one resource type.
func extensionSchema(urn, name string, list []AttributeDef) (schema.Schema, error) {
	attrs := make([]any, len(list))
	for i, a := range list {
		attrs[i] = a.rfcAttribute()
	}
	b, err := json.Marshal(map[string]any{"id": urn, "name": name, "description": name, "attributes": attrs})
	if err != nil {
		return schema.Schema{}, err
	}
	var s schema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return schema.Schema{}, &DefinitionError{Problems: []string{err.Error()}}
	}
	return s, nil
}

// BuildSet returns the schema set of a tenant with this definition at the
// given version: Default plus the tenant extensions that have attributes.
func BuildSet(version int64, d Definition) (Set, error) {
	if err := d.Validate(); err != nil {
		return Set{}, err
	}
	set := Default()
	set.Version = version
	set.Definition = d
	set.User.SchemaVersion, set.Group.SchemaVersion = version, version
	if d.UniqueEmails {
		set.User.Schema = UserUniqueEmails()
	}
	if len(d.User) > 0 {
		s, err := extensionSchema(TenantUserURN, "Tenant User", d.User)
		if err != nil {
			return Set{}, err
		}
		// Before the scimd User extension: an unqualified name that both
		// define (a tenant's "status" from before scimd had one) keeps
		// naming the tenant's attribute.
		set.User.Extensions = slices.Insert(set.User.Extensions, tenantExtensionAt(set.User), Extension{Schema: s, Required: false})
	}
	if len(d.Group) > 0 {
		s, err := extensionSchema(TenantGroupURN, "Tenant Group", d.Group)
		if err != nil {
			return Set{}, err
		}
		set.Group.Extensions = append(set.Group.Extensions, Extension{Schema: s, Required: false})
	}
	return set, nil
}

// A Change is an attribute whose new definition asks storage to check the
// tenant's data before it may take effect.
type Change struct {
	ResourceType string // UserType or GroupType
	Attribute    string // its key in storage, as Attribute.Key gives it
	Name         string // as defined, for messages
	// TypeChanged means the attribute's type, multi-valuedness or (for
	// strings and references, whose values storage keeps case-folded
	// unless caseExact) caseExact changed: allowed only while no resource
	// holds a value.
	TypeChanged bool
	// Removed means the attribute is no longer defined: allowed only while
	// no resource holds a value, so that no resource keeps values that the
	// schema does not declare (or that a later definition of the same name
	// would misread).
	Removed bool
	// BecomesUnique means uniqueness was turned on: allowed only while no
	// two resources share a value.
	BecomesUnique bool
}

// Changes lists what moving from old to d requires storage to check.
func (d Definition) Changes(old Definition) []Change {
	var out []Change
	diff := func(typ, urn string, before, after []AttributeDef) {
		prev := map[string]AttributeDef{}
		for _, a := range before {
			prev[strings.ToLower(a.Name)] = a
			for _, s := range a.SubAttributes {
				prev[strings.ToLower(a.Name+"."+s.Name)] = s
			}
		}
		visit := func(path string, a AttributeDef) {
			p, existed := prev[strings.ToLower(path)]
			key := strings.ToLower(urn + ":" + path)
			c := Change{ResourceType: typ, Attribute: key, Name: typ + "." + path}
			folds := a.Type == "string" || a.Type == "reference"
			if existed && (p.Type != a.Type || p.MultiValued != a.MultiValued || (folds && p.CaseExact != a.CaseExact)) {
				c.TypeChanged = true
			}
			if existed && a.IsUnique() && !p.IsUnique() {
				c.BecomesUnique = true
			}
			if c.TypeChanged || c.BecomesUnique {
				out = append(out, c)
			}
		}
		kept := map[string]bool{}
		for _, a := range after {
			kept[strings.ToLower(a.Name)] = true
			visit(a.Name, a)
			for _, s := range a.SubAttributes {
				kept[strings.ToLower(a.Name+"."+s.Name)] = true
				visit(a.Name+"."+s.Name, s)
			}
		}
		for _, a := range before {
			for _, path := range append([]string{a.Name}, subPaths(a)...) {
				if !kept[strings.ToLower(path)] {
					out = append(out, Change{ResourceType: typ, Attribute: strings.ToLower(urn + ":" + path),
						Name: typ + "." + path, Removed: true})
				}
			}
		}
	}
	diff(UserType, TenantUserURN, old.User, d.User)
	diff(GroupType, TenantGroupURN, old.Group, d.Group)
	if d.UniqueEmails && !old.UniqueEmails {
		out = append(out, Change{ResourceType: UserType, Attribute: EmailValueKey, Name: "User.emails.value", BecomesUnique: true})
	}
	return out
}

// EmailValueKey is the key (see Attribute.Key) of the core User's
// emails.value, which uniqueEmails makes unique.
const EmailValueKey = "emails.value"

// subPaths returns the paths of a complex attribute's sub-attributes.
func subPaths(a AttributeDef) []string {
	out := make([]string, len(a.SubAttributes))
	for i, s := range a.SubAttributes {
		out[i] = a.Name + "." + s.Name
	}
	return out
}

// ErrNoDefinition is returned by a Source for a tenant that never set a
// definition.
var ErrNoDefinition = errors.New("schemas: no definition")

// tenantExtensionAt is where the tenant extension goes in the User
// resource type's extensions: before the scimd User extension.
func tenantExtensionAt(rt ResourceType) int {
	for i, e := range rt.Extensions {
		if e.Schema.ID == ScimdUserURN {
			return i
		}
	}
	return len(rt.Extensions)
}
