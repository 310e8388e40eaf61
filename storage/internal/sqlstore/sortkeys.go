package sqlstore

import (
	"strings"

	"github.com/elimity-com/scim/schema"
)

// A multi-valued attribute sorts by one value per resource (RFC 7644
// §3.4.2.3): that of its primary element, else its first value. extract
// writes that value to attr_values as a row of its own, under the key of the
// values it is one of with sortKeyPrefix in front ("sort:emails.value"), at
// elem 0 and pos 0, so that a sort by it reads that row's index in order as
// a sort by a single-valued attribute does. The prefix keeps the row out of
// filters, which look rows up by the attribute's own key: no attribute key
// starts with it (core keys have no colon, extension keys start with their
// URN, metadata keys with "metadata.").
const sortKeyPrefix = "sort:"

// sortKeyEnd follows every key that starts with sortKeyPrefix (';' follows
// ':').
const sortKeyEnd = "sort;"

// multiSortAttr returns what sorts a multi-valued attribute def: the value
// sub-attribute of a complex attribute, or def itself for a list of simple
// values. ok is false when nothing does: a complex attribute without a
// simple value sub-attribute (addresses), or values that are not indexed
// (binary, or never returned).
func multiSortAttr(def schema.CoreAttribute) (schema.CoreAttribute, bool) {
	if !def.MultiValued() {
		return def, false
	}
	if !def.HasSubAttributes() {
		return def, def.AttributeType() != "complex" && indexable(def)
	}
	for _, sub := range def.SubAttributes() {
		if strings.EqualFold(sub.Name(), "value") {
			return sub, !sub.MultiValued() && !sub.HasSubAttributes() && sub.AttributeType() != "complex" && indexable(sub)
		}
	}
	return def, false
}

// A sortPick chooses the sort value of a multi-valued attribute among its
// elements' index rows, offered in list order: the first primary element's
// value, else the first value.
type sortPick struct {
	row     valueRow
	found   bool
	primary bool
}

// offer considers the value row r of an element, primary or not.
func (p *sortPick) offer(r valueRow, primary bool) {
	if !p.found || (primary && !p.primary) {
		p.row, p.found, p.primary = r, true, primary
	}
}

// sortRow returns the sort row of the chosen value, if any.
func (p *sortPick) sortRow() (valueRow, bool) {
	if !p.found {
		return valueRow{}, false
	}
	return valueRow{attr: sortKeyPrefix + p.row.attr, str: p.row.str, num: p.row.num}, true
}
