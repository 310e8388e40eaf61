package sqlstore

import "unicode/utf8"

// asciiID reports whether s could name a row by an identifier column: IDs
// (of resources, members, apps, credentials) and tenant names are ASCII,
// and MySQL keeps them in ascii columns that refuse to be compared with
// other text ("Illegal mix of collations", an internal error). A value with
// any other character names nothing: callers answer as for an unknown ID
// without asking the database.
func asciiID(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
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
