package sqlstore

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/cases"
)

// timeLayout is how every timestamp is stored: fixed-width UTC with
// microseconds, so text order is time order on every engine.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseStoredTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// dateTimeLayouts are the xsd:dateTime forms accepted in documents and
// filters; a value without a zone is taken as UTC.
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"}

// canonicalTime returns a dateTime value in stored form.
func canonicalTime(s string) (string, bool) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return formatTime(t), true
		}
	}
	return "", false
}

// fold returns the case-folded form of a case-insensitive value (Unicode
// full case folding, so "Straße" and "STRASSE" compare equal). ASCII
// strings, which fold to their lower case, skip the Unicode tables: they
// are most values, and a megabyte of ASCII took milliseconds to fold.
func fold(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return cases.Fold().String(s)
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if !upper {
		return s
	}
	return strings.ToLower(s)
}

// number converts a decoded JSON or filter number to float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// timePrecision is the precision of stored timestamps.
const timePrecision = time.Microsecond
