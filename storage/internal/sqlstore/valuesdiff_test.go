package sqlstore

import (
	"fmt"
	"slices"
	"testing"
)

// applyDiff applies diffValues' deletes and upserts to stored as the
// database would, and returns the rows left, in key order.
func applyDiff(stored []valueRow, del []elemDelete, upsert []valueRow) []valueRow {
	type key struct {
		attr      string
		elem, pos int
	}
	rows := map[key]valueRow{}
	for _, r := range stored {
		rows[key{r.attr, r.elem, r.pos}] = r
	}
	for _, d := range del {
		for k := range rows {
			if slices.Contains(d.attrs, k.attr) && slices.Contains(d.elems, k.elem) {
				delete(rows, k)
			}
		}
	}
	for _, r := range upsert {
		rows[key{r.attr, r.elem, r.pos}] = r
	}
	return sortedRows(slices.Collect(func(yield func(valueRow) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	}))
}

func sortedRows(rows []valueRow) []valueRow {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b valueRow) int {
		return cmpRow(a, b)
	})
	return out
}

func cmpRow(a, b valueRow) int {
	if a.attr != b.attr {
		if a.attr < b.attr {
			return -1
		}
		return 1
	}
	if a.elem != b.elem {
		return a.elem - b.elem
	}
	return a.pos - b.pos
}

func strRow(attr string, elem, pos int, v string) valueRow {
	return valueRow{attr: attr, elem: elem, pos: pos, str: &v}
}

func numRow(attr string, elem, pos int, v float64) valueRow {
	return valueRow{attr: attr, elem: elem, pos: pos, num: &v}
}

func rowsString(rows []valueRow) string {
	s := ""
	for _, r := range rows {
		v := "<nil>"
		if r.str != nil {
			v = *r.str
		} else if r.num != nil {
			v = fmt.Sprint(*r.num)
		}
		s += fmt.Sprintf("%s[%d][%d]=%s ", r.attr, r.elem, r.pos, v)
	}
	return s
}

// TestDiffValues checks that the deletes and upserts of diffValues make
// the stored index rows exactly the new ones, that a value changed in
// place is only upserted, that unchanged elements are not written, and
// that elements deleted from several singular attributes go in one
// statement.
func TestDiffValues(t *testing.T) {
	stored := []valueRow{
		strRow("status", 0, 0, "active"), strRow("changedat", 0, 0, "t1"), strRow("title", 0, 0, "clerk"),
		strRow("emails.value", 0, 0, "a"), strRow("emails.type", 0, 0, "work"), {attr: "emails", elem: 0},
		strRow("emails.value", 1, 0, "b"), strRow("emails.type", 1, 0, "home"), {attr: "emails", elem: 1},
		strRow("aliases", 0, 0, "x"), strRow("aliases", 0, 1, "y"), strRow("aliases", 0, 2, "z"),
		numRow("n", 0, 0, 1), strRow("nick", 0, 0, "n"), strRow("gone", 0, 0, "g"),
	}
	cases := []struct {
		name       string
		next       []valueRow
		upserts    int
		statements int // DELETE statements
	}{
		{"nothing changed", stored, 0, 0},
		{"values changed in place", []valueRow{
			strRow("status", 0, 0, "suspended"), strRow("changedat", 0, 0, "t2"), strRow("sessions", 0, 0, "t2"), strRow("title", 0, 0, "clerk"),
			strRow("emails.value", 0, 0, "a"), strRow("emails.type", 0, 0, "work"), {attr: "emails", elem: 0},
			strRow("emails.value", 1, 0, "b"), strRow("emails.type", 1, 0, "home"), {attr: "emails", elem: 1},
			strRow("aliases", 0, 0, "x"), strRow("aliases", 0, 1, "y"), strRow("aliases", 0, 2, "z"),
			numRow("n", 0, 0, 2), strRow("nick", 0, 0, "n"), strRow("gone", 0, 0, "g"),
		}, 4, 0},
		{"attributes and elements removed, a list shortened", []valueRow{
			strRow("status", 0, 0, "active"), strRow("changedat", 0, 0, "t1"),
			strRow("emails.value", 0, 0, "b"), strRow("emails.type", 0, 0, "home"), {attr: "emails", elem: 0},
			strRow("aliases", 0, 0, "y"), strRow("aliases", 0, 1, "z"),
			strRow("nick", 0, 0, "n"),
		}, 4, 2},
		{"everything removed", nil, 0, 2},
		{"a string turned number", []valueRow{
			strRow("status", 0, 0, "active"), strRow("changedat", 0, 0, "t1"), strRow("title", 0, 0, "clerk"),
			strRow("emails.value", 0, 0, "a"), strRow("emails.type", 0, 0, "work"), {attr: "emails", elem: 0},
			strRow("emails.value", 1, 0, "b"), strRow("emails.type", 1, 0, "home"), {attr: "emails", elem: 1},
			strRow("aliases", 0, 0, "x"), strRow("aliases", 0, 1, "y"), strRow("aliases", 0, 2, "z"), strRow("aliases", 0, 3, "w"),
			strRow("n", 0, 0, "1"), numRow("nick", 0, 0, 3), strRow("gone", 0, 0, "g"),
		}, 6, 0},
	}
	for _, c := range cases {
		del, upsert := diffValues(stored, c.next)
		if got, want := applyDiff(stored, del, upsert), sortedRows(c.next); rowsString(got) != rowsString(want) {
			t.Errorf("%s: rows after the diff\n%s\nwant\n%s", c.name, rowsString(got), rowsString(want))
		}
		if len(upsert) != c.upserts || len(del) != c.statements {
			t.Errorf("%s: %d upserts and %d deletes (%v), want %d and %d", c.name, len(upsert), len(del), del, c.upserts, c.statements)
		}
	}
}
