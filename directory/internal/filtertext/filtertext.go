// Package filtertext mends the text of filters and PATCH paths before the
// filter parser reads it, where the parser's grammar is narrower than what
// clients may rightly send.
package filtertext

import "strings"

// UpperHexEscapes writes the hex digits of every \uXXXX escape inside a
// quoted string in upper case. JSON allows either case (RFC 8259 §7), and
// encoders differ (Go's writes \u003c), but the filter parser's grammar
// accepts only upper-case digits; the value the escape names is the same.
func UpperHexEscapes(s string) string {
	if !strings.Contains(s, `\u`) {
		return s
	}
	b := []byte(s)
	inString := false
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			inString = !inString
		case !inString || b[i] != '\\':
		case i+5 < len(b) && b[i+1] == 'u' && isHex(b[i+2:i+6]):
			copy(b[i+2:i+6], strings.ToUpper(string(b[i+2:i+6])))
			i += 5
		default:
			i++ // an escaped character, perhaps a quote
		}
	}
	return string(b)
}

func isHex(p []byte) bool {
	for _, c := range p {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
