package sqlstore

import (
	"fmt"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// valuePath translates attr[filter]: one element of a complex attribute must
// satisfy the whole bracket.
func (tr *translator) valuePath(vp *filter.ValuePath) (sq.Sqlizer, error) {
	loc, err := tr.locate(vp.AttributePath)
	if err != nil {
		return nil, err
	}
	if vp.AttributePath.SubAttribute != nil || (!loc.complex && loc.kind != locMembers) {
		return nil, storage.NewFilterError("%q is not a complex attribute; a value filter needs one", loc.path)
	}
	if loc.kind == locMembers || loc.kind == locApps {
		cond, err := tr.bracket(vp.ValueFilter, func(e *filter.AttributeExpression) (sq.Sqlizer, error) {
			return tr.memberLeaf(loc, e)
		})
		if err != nil {
			return nil, err
		}
		return tr.membersIn(loc, "", nil, cond)
	}
	// Drive the element from the most selective index-friendly leaf when
	// the bracket is a conjunction that has one; otherwise from the
	// element anchor rows.
	driverKey, driverCond := loc.key, sq.Sqlizer(nil)
	rest := vp.ValueFilter
	leaf, others, err := tr.driverLeaf(loc, vp.ValueFilter)
	if err != nil {
		return nil, err
	}
	if leaf != nil {
		sl, err := tr.sub(loc, leaf.AttributePath.AttributeName)
		if err != nil {
			return nil, err
		}
		cond, _, err := valueCompare(tr.d, sl, "d", leaf.Operator, leaf.CompareValue)
		if err != nil {
			return nil, err
		}
		driverKey, driverCond, rest = sl.key, cond, others
	}
	sub := sq.Select("d.resource_id").From(valuesTable + " d").
		Where(sq.Eq{"d.tenant_id": string(tr.tenant), "d.rtype": tr.t.rtype, "d.attr": driverKey})
	if driverCond != nil {
		sub = sub.Where(driverCond)
	}
	// Further positive comparisons join rows of the same element, which
	// every engine plans as primary key lookups; the rest (or, not, ne)
	// become correlated EXISTS conditions. CROSS JOIN keeps the driver the
	// outer loop on SQLite, whatever its statistics say (a planner without
	// per-value statistics cannot tell type eq "work" from value eq x); to
	// MySQL it is a JOIN.
	for i, c := range conjuncts(rest) {
		leaf, ok := c.(*filter.AttributeExpression)
		if !ok || leaf.Operator == filter.NE || leaf.AttributePath.SubAttribute != nil || leaf.AttributePath.URIPrefix != nil {
			cond, err := tr.bracket(c, func(e *filter.AttributeExpression) (sq.Sqlizer, error) {
				return tr.elementLeaf(loc, e)
			})
			if err != nil {
				return nil, err
			}
			sub = sub.Where(cond)
			continue
		}
		sl, err := tr.sub(loc, leaf.AttributePath.AttributeName)
		if err != nil {
			return nil, err
		}
		alias := fmt.Sprintf("j%d", i)
		cond := sq.Sqlizer(sq.Expr("1 = 1"))
		if leaf.Operator != filter.PR {
			if cond, _, err = valueCompare(tr.d, sl, alias, leaf.Operator, leaf.CompareValue); err != nil {
				return nil, err
			}
		}
		sub = sub.JoinClause(sq.Expr("CROSS JOIN "+valuesTable+" "+alias+" ON "+alias+".tenant_id = d.tenant_id AND "+
			alias+".rtype = d.rtype AND "+alias+".resource_id = d.resource_id AND "+alias+".elem = d.elem AND "+
			alias+".attr = ? AND ?", sl.key, cond))
	}
	return sq.Expr("r.id IN (?)", sub), nil
}

// conjuncts flattens a conjunction into its terms; nil has none.
func conjuncts(e filter.Expression) []filter.Expression {
	if e == nil {
		return nil
	}
	if l, ok := e.(*filter.LogicalExpression); ok && l.Operator == filter.AND {
		return append(conjuncts(l.Left), conjuncts(l.Right)...)
	}
	return []filter.Expression{e}
}

// bracket translates the logic of a value filter, with leaf for each
// comparison.
func (tr *translator) bracket(e filter.Expression, leaf func(*filter.AttributeExpression) (sq.Sqlizer, error)) (sq.Sqlizer, error) {
	return logic(e, func(e filter.Expression) (sq.Sqlizer, error) {
		a, ok := e.(*filter.AttributeExpression)
		if !ok {
			return nil, storage.NewFilterError("value filters cannot be nested")
		}
		if a.AttributePath.SubAttribute != nil || a.AttributePath.URIPrefix != nil {
			return nil, storage.NewFilterError("inside [ ] name a sub-attribute only, not %q", a.AttributePath.String())
		}
		return leaf(a)
	})
}

// elementLeaf is one comparison inside attr[...]: a row of the same element
// (d.elem) for the sub-attribute.
func (tr *translator) elementLeaf(loc location, e *filter.AttributeExpression) (sq.Sqlizer, error) {
	sl, err := tr.sub(loc, e.AttributePath.AttributeName)
	if err != nil {
		return nil, err
	}
	sub := sq.Select("1").From(valuesTable + " s").
		Where("s.tenant_id = d.tenant_id AND s.rtype = d.rtype AND s.resource_id = d.resource_id AND s.elem = d.elem").
		Where(sq.Eq{"s.attr": sl.key})
	negate := false
	if e.Operator != filter.PR {
		var cond sq.Sqlizer
		if cond, negate, err = valueCompare(tr.d, sl, "s", e.Operator, e.CompareValue); err != nil {
			return nil, err
		}
		sub = sub.Where(cond)
	}
	exists := sq.Expr("EXISTS (?)", sub)
	if negate {
		return not(exists), nil
	}
	return exists, nil
}

func (tr *translator) memberLeaf(loc location, e *filter.AttributeExpression) (sq.Sqlizer, error) {
	name := strings.ToLower(e.AttributePath.AttributeName)
	ml := loc
	switch {
	case name == "value":
		ml.typ = "string"
	case name == "type" && tr.t.rtype == rtypeGroup:
		ml.col, ml.typ = "m.member_type", "membertype"
	default:
		return nil, storage.NewFilterError("%q cannot be used in a filter", loc.attr.Def.Name()+"."+e.AttributePath.AttributeName)
	}
	ml.path = loc.attr.Def.Name() + "." + e.AttributePath.AttributeName
	if e.Operator == filter.PR {
		return sq.Expr("1 = 1"), nil
	}
	cond, negate, err := memberCompare(tr.d, ml, e.Operator, e.CompareValue)
	if err != nil {
		return nil, err
	}
	if negate {
		return not(cond), nil
	}
	return cond, nil
}

// driverLeaf picks, from a conjunction, the positive comparison an index
// can serve that likely matches the fewest elements (see driverRank; the
// leftmost of equals), and returns it with the remaining conjuncts (nil if
// none remain).
func (tr *translator) driverLeaf(loc location, e filter.Expression) (*filter.AttributeExpression, filter.Expression, error) {
	terms := conjuncts(e)
	best, bestRank := -1, -1
	for i, c := range terms {
		leaf, ok := c.(*filter.AttributeExpression)
		if !ok || leaf.AttributePath.SubAttribute != nil || leaf.AttributePath.URIPrefix != nil {
			continue
		}
		switch leaf.Operator {
		case filter.EQ, filter.SW, filter.GT, filter.GE, filter.LT, filter.LE:
		default:
			continue
		}
		sl, err := tr.sub(loc, leaf.AttributePath.AttributeName)
		if err != nil {
			return nil, nil, err
		}
		if r := driverRank(sl.attr, leaf.Operator); r > bestRank {
			best, bestRank = i, r
		}
	}
	if best < 0 {
		return nil, nil, nil
	}
	var rest filter.Expression
	for i, c := range terms {
		if i != best {
			rest = joinAnd(rest, c)
		}
	}
	return terms[best].(*filter.AttributeExpression), rest, nil
}

// driverRank ranks a comparison on a sub-attribute by how few elements it
// likely matches, higher for fewer: first by the sub-attribute (value, which
// mostly tells one element from every other, before the others, before one
// with a few canonical values such as type, before a boolean such as
// primary), then by the operator (eq, then sw, then a range).
func driverRank(a schemas.Attribute, op filter.CompareOperator) int {
	rank := 2
	switch {
	case a.Def.AttributeType() == "boolean":
		rank = 0
	case len(a.Def.CanonicalValues()) > 0 || strings.EqualFold(a.Def.Name(), "type"):
		rank = 1
	case strings.EqualFold(a.Def.Name(), "value"):
		rank = 3
	}
	switch op {
	case filter.EQ:
		return rank*3 + 2
	case filter.SW:
		return rank*3 + 1
	}
	return rank * 3
}

func joinAnd(l, r filter.Expression) filter.Expression {
	switch {
	case l == nil:
		return r
	case r == nil:
		return l
	}
	return &filter.LogicalExpression{Left: l, Right: r, Operator: filter.AND}
}
