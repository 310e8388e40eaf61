package sqlstore

import (
	"context"
	"strings"

	sq "github.com/Masterminds/squirrel"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Lookup finds the resources an identifier names, in one query: a UNION of
// index lookups (each served by an index that starts with the tenant),
// joined to the resource table by primary key.
func (s *Store) Lookup(ctx context.Context, tenant storage.TenantID, rt *schemas.ResourceType, value string) ([]storage.Resource, error) {
	t, err := tableFor(rt)
	if err != nil {
		return nil, err
	}
	if value == "" {
		return nil, nil
	}
	tn := string(tenant)
	var parts []string
	var args []any
	add := func(text string, a ...any) {
		parts = append(parts, text)
		args = append(args, a...)
	}
	// valueEq is "alias.v_str = v" as filters write it, bounded on the
	// key where the index holds keys.
	valueEq := func(alias, v string) (string, []any) {
		text, a, _ := s.d.strCompare(alias, "=", v).ToSql() // literal text: ToSql cannot fail
		return text, a
	}
	add("SELECT n.id AS id FROM "+t.name+" n WHERE n.tenant_id = ? AND n."+t.nameCol+" = ?", tn, fold(value))
	add("SELECT x.id AS id FROM "+t.name+" x WHERE x.tenant_id = ? AND x.external_id = ?", tn, value)
	if t.rtype == rtypeUser {
		eq, eqArgs := valueEq("e", fold(value))
		add("SELECT e.resource_id AS id FROM "+valuesTable+" e WHERE e.tenant_id = ? AND e.rtype = ? AND e.attr = ? AND "+eq,
			append([]any{tn, rtypeUser, "emails.value"}, eqArgs...)...)
		eq, eqArgs = valueEq("p", storage.NormalizePhone(fold(value)))
		add("SELECT p.resource_id AS id FROM "+valuesTable+" p WHERE p.tenant_id = ? AND p.rtype = ? AND p.attr = ? AND "+eq,
			append([]any{tn, rtypeUser, phoneKey}, eqArgs...)...)
		exact, folded := identifierKeys(rt)
		for _, g := range []struct {
			keys []any
			v    string
		}{{exact, value}, {folded, fold(value)}} {
			if len(g.keys) > 0 { // one branch per form, so the primary key serves it
				add("SELECT u.resource_id AS id FROM "+uniqueTable+" u WHERE u.tenant_id = ? AND u.rtype = ? AND u.attr IN ("+
					sq.Placeholders(len(g.keys))+") AND u.value = ?", append(append([]any{tn, rtypeUser}, g.keys...), g.v)...)
			}
		}
		if source, id, ok := strings.Cut(value, ":"); ok && source != "" && id != "" && hasScimdUser(rt) {
			add("SELECT l.resource_id AS id FROM "+uniqueTable+" l WHERE l.tenant_id = ? AND l.rtype = ? AND l.attr = ? AND l.value = ?",
				tn, rtypeUser, linkedAttr, storage.LinkedIdentityValue(source, id))
		}
	}
	cols := strings.Join(resourceColumns, ", ")
	text := "SELECT " + cols + " FROM (" + strings.Join(parts, " UNION ") + ") m JOIN " + t.from +
		" ON r.tenant_id = ? AND r.id = m.id ORDER BY r.id LIMIT ?"
	args = append(args, tn, storage.MaxLookup)
	rows, err := s.query(ctx, s.read, sq.Expr(text, args...))
	if err != nil {
		return nil, s.mapErr("lookup "+rt.Name, err)
	}
	defer rows.Close()
	var out []storage.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, s.mapErr("lookup "+rt.Name, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.mapErr("lookup "+rt.Name, err)
	}
	return out, nil
}

// identifierKeys returns the keys of a user's custom identifiers: the
// single-valued string extension attributes with uniqueness "server" and
// the scimd User extension's aliases (multi-valued), whose
// values unique_values holds as extract stores them, exact for caseExact
// ones and folded for the others.
func identifierKeys(rt *schemas.ResourceType) (exact, folded []any) {
	rt.Walk(func(a schemas.Attribute) {
		typ := a.Def.AttributeType()
		if !a.Extension || a.Def.Uniqueness() != "server" || (a.MultiValued() && a.Parent != nil) || (typ != "string" && typ != "reference") {
			return
		}
		if a.Def.CaseExact() {
			exact = append(exact, a.Key())
		} else {
			folded = append(folded, a.Key())
		}
	})
	return exact, folded
}
