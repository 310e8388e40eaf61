package sqlstore

import (
	"fmt"

	"github.com/scimd/scimd/storage"
)

// IDs (of resources, members, apps, credentials) and tenant names are
// visible ASCII: '!' to '~', no space or control character. MySQL keeps
// them in ascii columns, which refuse to be compared with other text
// ("Illegal mix of collations", an internal error), and whose collation
// (ascii_bin, PAD SPACE) ignores trailing spaces: there 'x ' = 'x', and a
// path or member value "{id} " would reach the resource that SQLite, which
// compares bytes, does not find. Without spaces and control characters
// the two engines also order IDs alike (PAD SPACE orders 'x\t' before 'x').

// maxIDLen bounds a resource ID: MySQL keeps IDs in VARCHAR(36) columns.
const maxIDLen = 36

// idByte reports whether c may appear in an ID.
func idByte(c byte) bool { return c > ' ' && c < 0x7f }

// asciiID reports whether s could name a row by an identifier column: only
// visible ASCII (see above; "" too, which callers treat as they see fit).
// A value with any other character names nothing: callers answer as for
// an unknown ID without asking the database, so that "{id} " names
// nothing on every engine.
func asciiID(s string) bool {
	for i := range len(s) {
		if !idByte(s[i]) {
			return false
		}
	}
	return true
}

// asciiIDs returns the IDs of ids that could name a row (see asciiID),
// ids itself when all of them can.
func asciiIDs(ids []string) []string {
	for i, id := range ids {
		if !asciiID(id) {
			out := append([]string(nil), ids[:i]...)
			for _, id := range ids[i+1:] {
				if asciiID(id) {
					out = append(out, id)
				}
			}
			return out
		}
	}
	return ids
}

// checkNewID refuses an ID that a new resource may not take: one that is
// longer than maxIDLen or has characters other than visible ASCII (see
// asciiID). "" asks for a generated ID.
func checkNewID(id string) error {
	switch {
	case len(id) > maxIDLen:
		return &storage.ValueError{Attribute: "id", Detail: fmt.Sprintf("%q is longer than %d characters", id, maxIDLen)}
	case !asciiID(id):
		return &storage.ValueError{Attribute: "id", Detail: fmt.Sprintf(
			"%q has characters other than visible ASCII ('!' to '~'): an ID has no spaces, control or non-ASCII characters", id)}
	}
	return nil
}
