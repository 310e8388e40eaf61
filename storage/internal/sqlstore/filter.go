package sqlstore

import (
	"encoding/json"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// MaxFilterNodes caps the number of comparisons and logical operators in one
// filter, so a client cannot make the database evaluate an arbitrarily large
// condition.
const MaxFilterNodes = storage.MaxFilterTerms

// A translator turns a SCIM filter into one SQL condition on the resource
// table aliased r. Every attribute goes through the resource type's schema
// (an allow-list): a column of r, the members table, or attr_values.
type translator struct {
	d      Dialect
	rt     *schemas.ResourceType
	t      table
	tenant storage.TenantID
}

// kinds of attribute location.
const (
	locColumn   = iota + 1 // a column of r
	locValues              // rows of attr_values
	locMembers             // the members table
	locConst               // meta.resourceType: known without reading
	locMetadata            // a user's metadata as a whole: any key's rows
	locApps                // a user's app assignments (app_assignments)
)

// A location says where an attribute's values are and how they compare.
type location struct {
	kind    int
	col     string // column (locColumn, locMembers)
	key     string // attr_values.attr (locValues)
	typ     string // SCIM type of the values
	fold    bool   // values are stored case-folded
	phone   bool   // values are stored in storage.NormalizePhone form
	notNull bool   // the column is never NULL
	complex bool   // a complex attribute (value filters, anchors)
	multi   bool   // multi-valued
	attr    schemas.Attribute
	path    string // the attribute as the client wrote it, for errors
}

func (tr *translator) translate(e filter.Expression) (sq.Sqlizer, error) {
	if n := storage.FilterTerms(e); n > MaxFilterNodes {
		return nil, storage.NewFilterError("the filter has %d terms; at most %d are allowed", n, MaxFilterNodes)
	}
	return tr.expr(e)
}

func (tr *translator) expr(e filter.Expression) (sq.Sqlizer, error) {
	return logic(e, func(e filter.Expression) (sq.Sqlizer, error) {
		switch e := e.(type) {
		case *filter.AttributeExpression:
			return tr.attrExpr(e)
		case *filter.ValuePath:
			return tr.valuePath(e)
		}
		return nil, storage.NewFilterError("unsupported filter expression")
	})
}

// logic translates the and, or and not of a filter, with term for every
// other node.
func logic(e filter.Expression, term func(filter.Expression) (sq.Sqlizer, error)) (sq.Sqlizer, error) {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		l, err := logic(e.Left, term)
		if err != nil {
			return nil, err
		}
		r, err := logic(e.Right, term)
		if err != nil {
			return nil, err
		}
		if e.Operator == filter.OR {
			return sq.Or{l, r}, nil
		}
		return sq.And{l, r}, nil
	case *filter.NotExpression:
		in, err := logic(e.Expression, term)
		if err != nil {
			return nil, err
		}
		return not(in), nil
	}
	return term(e)
}

// not negates a condition so that rows for which it is unknown (NULL) match:
// in SCIM, "not (title eq x)" matches users without a title.
func not(c sq.Sqlizer) sq.Sqlizer { return sq.Expr("NOT COALESCE((?), 0)", c) }

// locate resolves an attribute path to its location.
func (tr *translator) locate(p filter.AttributePath) (location, error) {
	if tr.t.rtype == rtypeUser && p.URIPrefix == nil && strings.EqualFold(p.AttributeName, storage.MetadataAttribute) {
		return locateMetadata(p)
	}
	a, err := tr.rt.Resolve(p)
	if err != nil {
		return location{}, storage.NewFilterError("%q is not an attribute of %s", p.String(), tr.rt.Name)
	}
	loc := location{attr: a, path: p.String(), typ: a.Type(), fold: !a.Def.CaseExact(),
		complex: a.Def.HasSubAttributes(), multi: a.MultiValued()}
	if !loc.complex && a.Def.AttributeType() != "complex" && !indexable(a.Def) {
		return location{}, storage.NewFilterError("%q cannot be used in a filter", p.String())
	}
	if root, _, _ := strings.Cut(a.Name(), "."); a.Extension && tr.t.rtype == rtypeUser &&
		strings.EqualFold(a.SchemaURN, storage.AppsURN) && strings.EqualFold(root, storage.AppsAttribute) {
		return locateApps(loc)
	}
	if a.Extension {
		loc.kind, loc.key = locValues, a.Key()
		return loc, nil
	}
	switch strings.ToLower(a.Name()) {
	case "id":
		loc.kind, loc.col, loc.notNull, loc.fold = locColumn, "r.id", true, false
	case "externalid":
		loc.kind, loc.col = locColumn, "r.external_id"
	case "meta.created":
		loc.kind, loc.col, loc.notNull = locColumn, "r.created", true
	case "meta.lastmodified":
		loc.kind, loc.col, loc.notNull = locColumn, "r.last_modified", true
	case "meta.resourcetype":
		loc.kind = locConst
	case strings.ToLower(tr.t.nameAttr):
		loc.kind, loc.col, loc.notNull = locColumn, "r."+tr.t.nameCol, true
	default:
		return tr.locateSpecial(loc)
	}
	return loc, nil
}

func (tr *translator) locateSpecial(loc location) (location, error) {
	name := strings.ToLower(loc.attr.Name())
	if strings.HasPrefix(name, "meta") || name == "schemas" {
		return location{}, storage.NewFilterError("%q cannot be used in a filter", loc.path)
	}
	member := "members"
	if tr.t.rtype == rtypeUser {
		if name == "active" {
			loc.kind, loc.col = locColumn, "r.active"
			return loc, nil
		}
		member = "groups"
	}
	switch name {
	case member, member + ".value":
		loc.kind, loc.col, loc.typ, loc.fold = locMembers, "m.member_id", "string", false
		if member == "groups" {
			loc.col = "m.group_id"
		}
		return loc, nil
	case member + ".type":
		if member == "members" {
			loc.kind, loc.col, loc.typ = locMembers, "m.member_type", "membertype"
			return loc, nil
		}
	}
	if strings.HasPrefix(name, member) {
		return location{}, storage.NewFilterError("%q cannot be used in a filter; use %s.value", loc.path, member)
	}
	loc.kind, loc.key = locValues, loc.attr.Key()
	loc.phone = tr.t.rtype == rtypeUser && loc.key == phoneKey
	return loc, nil
}

// locateApps resolves the apps of a user (storage.AppsURN), which live in
// app_assignments: apps and apps.value compare app IDs, through the table's
// primary key (tenant_id, app_id).
func locateApps(loc location) (location, error) {
	name := strings.ToLower(loc.attr.Name())
	if name != storage.AppsAttribute && name != storage.AppsAttribute+".value" {
		return location{}, storage.NewFilterError("%q cannot be used in a filter; use %s:%s.value", loc.path, storage.AppsURN, storage.AppsAttribute)
	}
	loc.kind, loc.col, loc.typ, loc.fold, loc.multi = locApps, "aa.app_id", "string", false, true
	return loc, nil
}

// locateMetadata resolves metadata (any key, for pr) and metadata.KEY, a
// key of a user's metadata, whose values compare by the type of the
// filter's value.
func locateMetadata(p filter.AttributePath) (location, error) {
	if p.SubAttribute == nil {
		return location{kind: locMetadata, path: p.String()}, nil
	}
	key, err := storage.NormalizeMetadataKey(*p.SubAttribute)
	if err != nil {
		return location{}, storage.NewFilterError("%q is not a metadata key: a key holds letters, digits, '_' and '-' only", p.String())
	}
	return location{kind: locValues, key: metadataPrefix + strings.ToLower(key), typ: metadataType, fold: true, path: p.String()}, nil
}

func (tr *translator) attrExpr(e *filter.AttributeExpression) (sq.Sqlizer, error) {
	loc, err := tr.locate(e.AttributePath)
	if err != nil {
		return nil, err
	}
	if loc.complex && loc.kind == locValues {
		// "emails co x" means "emails.value co x" (RFC 7644 §3.4.2.2);
		// "name pr" asks whether any sub-attribute is present.
		if e.Operator == filter.PR {
			return tr.valuesIn(loc.key, nil), nil
		}
		if !loc.multi {
			return nil, storage.NewFilterError("%q is complex: name one of its sub-attributes", loc.path)
		}
		if loc, err = tr.sub(loc, "value"); err != nil {
			return nil, err
		}
	}
	switch loc.kind {
	case locMetadata:
		if e.Operator != filter.PR {
			return nil, storage.NewFilterError("%q is an object: name one of its keys, as in %s.plan eq \"pro\", or use pr", loc.path, loc.path)
		}
		// Every metadata key of a user sorts between "metadata." and
		// "metadata/" ('/' follows '.'), which an index range serves.
		sub := sq.Select("v.resource_id").From(valuesTable + " v").
			Where(sq.Eq{"v.tenant_id": string(tr.tenant), "v.rtype": tr.t.rtype}).
			Where(sq.Expr("v.attr >= ? AND v.attr < ?", metadataPrefix, storage.MetadataAttribute+"/"))
		return sq.Expr("r.id IN (?)", sub), nil
	case locConst:
		return tr.constant(loc, e)
	case locColumn:
		return columnCompare(tr.d, loc, loc.col, e.Operator, e.CompareValue)
	case locMembers, locApps:
		return tr.membersIn(loc, e.Operator, e.CompareValue, nil)
	}
	if e.Operator == filter.PR {
		return tr.valuesIn(loc.key, nil), nil
	}
	cond, negate, err := valueCompare(tr.d, loc, "v", e.Operator, e.CompareValue)
	if err != nil {
		return nil, err
	}
	in := tr.valuesIn(loc.key, cond)
	if negate {
		return not(in), nil
	}
	return in, nil
}

// sub resolves a sub-attribute of a complex location.
func (tr *translator) sub(loc location, name string) (location, error) {
	a, err := loc.attr.Sub(name)
	if err != nil {
		return location{}, storage.NewFilterError("%q has no sub-attribute %q", loc.path, name)
	}
	if !indexable(a.Def) {
		return location{}, storage.NewFilterError("%q cannot be used in a filter", loc.path+"."+name)
	}
	return location{kind: locValues, key: a.Key(), typ: a.Type(), fold: !a.Def.CaseExact(),
		phone: tr.t.rtype == rtypeUser && a.Key() == phoneKey,
		multi: a.MultiValued(), attr: a, path: loc.path + "." + a.Def.Name()}, nil
}

// valuesIn is "r.id IN (the resources with a row for key matching cond)".
func (tr *translator) valuesIn(key string, cond sq.Sqlizer) sq.Sqlizer {
	sub := sq.Select("v.resource_id").From(valuesTable + " v").
		Where(sq.Eq{"v.tenant_id": string(tr.tenant), "v.rtype": tr.t.rtype, "v.attr": key})
	if cond != nil {
		sub = sub.Where(cond)
	}
	return sq.Expr("r.id IN (?)", sub)
}

// membersIn compares the members table: members.value and members.type of
// groups, groups.value of users; and app_assignments: apps.value of users.
func (tr *translator) membersIn(loc location, op filter.CompareOperator, v any, bracket sq.Sqlizer) (sq.Sqlizer, error) {
	self := "m.group_id"
	if tr.t.rtype == rtypeUser {
		self = "m.member_id"
	}
	sub := sq.Select(self).From(membersTable + " m").Where(sq.Eq{"m.tenant_id": string(tr.tenant)})
	if loc.kind == locApps {
		sub = sq.Select("aa.user_id").From(assignmentsTable + " aa").Where(sq.Eq{"aa.tenant_id": string(tr.tenant)})
	}
	negate := false
	switch {
	case bracket != nil:
		sub = sub.Where(bracket)
	case op == filter.PR:
	default:
		cond, neg, err := memberCompare(tr.d, loc, op, v)
		if err != nil {
			return nil, err
		}
		sub, negate = sub.Where(cond), neg
	}
	in := sq.Expr("r.id IN (?)", sub)
	if negate {
		return not(in), nil
	}
	return in, nil
}

func memberCompare(d Dialect, loc location, op filter.CompareOperator, v any) (sq.Sqlizer, bool, error) {
	if err := checkASCII(loc, loc.col, v); err != nil {
		return nil, false, err
	}
	if loc.typ != "membertype" {
		return valueCompare(d, loc, "", op, v)
	}
	s, ok := v.(string)
	if !ok || (op != filter.EQ && op != filter.NE) {
		return nil, false, storage.NewFilterError("%q supports eq and ne with \"User\" or \"Group\"", loc.path)
	}
	code := 0
	switch {
	case strings.EqualFold(s, schemas.UserType):
		code = rtypeUser
	case strings.EqualFold(s, schemas.GroupType):
		code = rtypeGroup
	}
	return sq.Eq{loc.col: code}, op == filter.NE, nil
}

// constant evaluates meta.resourceType, which every row of the table shares.
func (tr *translator) constant(loc location, e *filter.AttributeExpression) (sq.Sqlizer, error) {
	s, ok := e.CompareValue.(string)
	if !ok || (e.Operator != filter.EQ && e.Operator != filter.NE && e.Operator != filter.PR) {
		return nil, storage.NewFilterError("%q supports eq, ne and pr with a string", loc.path)
	}
	match := e.Operator == filter.PR || strings.EqualFold(unescape(s), tr.rt.Name)
	if e.Operator == filter.NE {
		match = !match
	}
	if match {
		return sq.Expr("1 = 1"), nil
	}
	return sq.Expr("1 = 0"), nil
}

// unescape decodes the JSON escapes filter-parser leaves in string values.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out string
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		return s
	}
	return out
}
