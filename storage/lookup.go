package storage

import "strings"

// MaxLookup bounds the resources one Lookup returns.
const MaxLookup = 100

// NormalizePhone returns a phone number in the form scimd indexes, looks up
// and filters phone numbers by, close to E.164: a leading '+' (after
// leading white space) is kept and every character that is not an ASCII
// digit is dropped, so "+1 (555) 010-0000" becomes "+15550100000". A value
// without any digit is returned unchanged.
func NormalizePhone(s string) string {
	t := strings.TrimSpace(s)
	var b strings.Builder
	b.Grow(len(t))
	if strings.HasPrefix(t, "+") {
		b.WriteByte('+')
	}
	digits := false
	for i := 0; i < len(t); i++ {
		if c := t[i]; '0' <= c && c <= '9' {
			b.WriteByte(c)
			digits = true
		}
	}
	if !digits {
		return s
	}
	return b.String()
}
