package sqlstore

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	sq "github.com/Masterminds/squirrel"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/storage"
)

// An order is how a List sorts: by expr (empty for id alone), then by id.
type order struct {
	key      string // identifies the sort in cursors
	expr     string // the sort value in SQL, or "" to sort by id alone
	id       string // the id column, which breaks ties
	numeric  bool   // the sort value is a number
	nullable bool   // rows may have no sort value
	unique   bool   // no two rows share a sort value: no tie-break needed
	desc     bool
	// values locates the sort value when it is held in attr_values; expr
	// is then its column in the row aliased sv.
	values *valuesOrder
}

// A valuesOrder is a sort by an attribute held in attr_values: the sort value
// of a resource is column col of its row (rtype, attr) with elem and pos 0.
// A resource without that row has no value.
type valuesOrder struct {
	rtype int
	attr  string
	col   string // v_num, v_str or v_key
}

// order resolves a sortBy attribute (see sortLocation). A missing value
// sorts after every present one in ascending order.
func (tr *translator) order(p *filter.AttributePath, desc bool) (order, error) {
	o := order{key: "id", id: "r.id", desc: desc}
	if desc {
		o.key = "-id"
	}
	if p == nil {
		return o, nil
	}
	loc, err := tr.sortLocation(*p)
	if err != nil {
		return o, err
	}
	o.numeric = loc.typ == "boolean" || loc.typ == "integer" || loc.typ == "decimal"
	switch loc.kind {
	case locConst:
		return o, nil
	case locColumn:
		if loc.col == "r.id" {
			return o, nil
		}
		o.expr, o.nullable = loc.col, !loc.notNull
		// userName is unique per tenant, so its index alone gives the
		// order and serves every page without a sort.
		o.unique = tr.t.rtype == rtypeUser && loc.col == "r."+tr.t.nameCol
	case locValues:
		o.values = &valuesOrder{rtype: tr.t.rtype, attr: loc.key, col: "v_num"}
		if !o.numeric {
			o.values.col = tr.d.strSortCol()
		}
		o.expr, o.nullable = "sv."+o.values.col, true
	}
	o.key = strings.ToLower(loc.attr.Key())
	if desc {
		o.key = "-" + o.key
	}
	return o, nil
}

func (o order) dir() string {
	if o.desc {
		return " DESC"
	}
	return " ASC"
}

func (o order) orderBy() []string {
	var out []string
	if o.nullable {
		out = append(out, "("+o.expr+" IS NULL)"+o.dir())
	}
	if o.expr != "" {
		out = append(out, o.expr+o.dir())
	}
	if o.unique {
		return out
	}
	return append(out, o.id+o.dir())
}

// after is the keyset condition: rows strictly after c in this order.
func (o order) after(c cursor) sq.Sqlizer {
	gt, ge := " > ?", " >= ?"
	if o.desc {
		gt, ge = " < ?", " <= ?"
	}
	idAfter := sq.Expr(o.id+gt, c.ID)
	if o.expr == "" {
		return idAfter
	}
	valueAfter := sq.And{sq.Expr(o.expr+ge, c.Value), sq.Or{sq.Expr(o.expr+gt, c.Value), sq.And{sq.Expr(o.expr+" = ?", c.Value), idAfter}}}
	if !o.nullable {
		return valueAfter
	}
	isNull, notNull := sq.Expr(o.expr+" IS NULL"), sq.Expr(o.expr+" IS NOT NULL")
	switch {
	case c.Value == nil && !o.desc: // within the trailing NULLs
		return sq.And{isNull, idAfter}
	case c.Value == nil: // descending: NULLs first, then every value
		return sq.Or{sq.And{isNull, idAfter}, notNull}
	case !o.desc:
		return sq.Or{valueAfter, isNull}
	}
	return valueAfter
}

// A cursor is the position after the last row of a keyset page.
type cursor struct {
	Key   string `json:"k"`
	ID    string `json:"i"`
	Value any    `json:"v,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // a cursor always encodes
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor decodes a cursor of order o: its key names o, and its value
// is one that o's sort value can take.
func decodeCursor(s string, o order) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Key != o.key || c.ID == "" {
		return c, storage.ErrInvalidCursor
	}
	switch c.Value.(type) {
	case nil:
		if o.expr == "" || o.nullable {
			return c, nil
		}
	case string:
		if o.expr != "" && !o.numeric {
			return c, nil
		}
	case float64:
		if o.expr != "" && o.numeric {
			return c, nil
		}
	}
	return c, storage.ErrInvalidCursor
}
