package directory

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/directory/internal/filtertext"
)

// MaxFilterLength caps the length of a filter in bytes.
const MaxFilterLength = 4096

// entraValuePath matches Entra's non-RFC form attr[filter].sub op value,
// which means attr[filter and sub op value].
var entraValuePath = regexp.MustCompile(`([A-Za-z][\w$-]*)\[([^\[\]]*)\]\.([A-Za-z][\w$-]*)\s+(?i:(eq|ne|co|sw|ew|gt|ge|lt|le)\s+("(?:[^"\\]|\\.)*"|[^\s()\[\]]+)|(pr))`)

// ParseFilter reads a client's filter, for every door alike. Besides RFC
// 7644 filters it accepts what real clients send: Entra's
// emails[type eq "work"].value eq "x" form, and unquoted values
// (externalId eq jyoung), read as strings. A filter longer than
// MaxFilterLength bytes, not UTF-8 or not a filter is an Invalid Error of
// type invalidFilter. Whether the attributes exist is for List to say,
// with a *storage.FilterError.
func ParseFilter(s string) (filter.Expression, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return nil, refusal(Invalid, TypeInvalidFilter,
			"the filter is not valid UTF-8; percent-encode its text as UTF-8 (RFC 3986 §2.5)")
	}
	if len(s) > MaxFilterLength {
		return nil, refusal(Invalid, TypeInvalidFilter, "the filter is longer than 4096 bytes")
	}
	s = entraValuePath.ReplaceAllStringFunc(s, func(m string) string {
		g := entraValuePath.FindStringSubmatch(m)
		if g[6] != "" {
			return g[1] + "[" + g[2] + " and " + g[3] + " pr]"
		}
		return g[1] + "[" + g[2] + " and " + g[3] + " " + g[4] + " " + g[5] + "]"
	})
	s = filtertext.UpperHexEscapes(quoteBareValues(s))
	e, err := filterShapes.parse(s)
	if err != nil {
		return nil, refusal(Invalid, TypeInvalidFilter,
			"the filter is not valid SCIM filter syntax (RFC 7644 §3.4.2.2), e.g. userName eq \"bjensen\"")
	}
	return e, nil
}

var (
	comparisonOps = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true, "gt": true, "ge": true, "lt": true, "le": true}
	bareLiteral   = regexp.MustCompile(`^(?i:true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$`)
)

// quoteBareValues puts quotes around a comparison value that has none and
// is not a boolean, null or number.
func quoteBareValues(s string) string {
	var b strings.Builder
	prevOp := false
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
			b.WriteString(s[i:j])
			i, prevOp = j, false
		case ' ', '\t', '(', ')', '[', ']':
			b.WriteByte(c)
			i++
			if c != ' ' && c != '\t' {
				prevOp = false
			}
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t()[]\"", rune(s[j])) {
				j++
			}
			word := s[i:j]
			if prevOp && !bareLiteral.MatchString(word) {
				b.WriteString(`"` + strings.ReplaceAll(word, `"`, `\"`) + `"`)
			} else {
				b.WriteString(word)
			}
			prevOp = comparisonOps[strings.ToLower(word)]
			i = j
		}
	}
	return b.String()
}
