// Package jsonutf8 finds the text of a JSON document that is not UTF-8.
//
// RFC 8259 §8.1 requires JSON exchanged between systems to be UTF-8, and
// §8.2 leaves strings with lone surrogate escapes ("\ud800") to each
// parser. encoding/json reads both as U+FFFD, silently: a server that
// stores what it decoded keeps other text than the client sent. Check
// tells such a document apart and says where the bad text is, so that it
// can be refused with a detail naming the attribute.
package jsonutf8

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// An Error locates the first string of a document that is not valid
// UTF-8.
type Error struct {
	// Path leads from the document to the string: member names (string)
	// and array indices (int). For a bad member name it leads to the
	// object that holds the name. Path is nil when the bad bytes are
	// outside any string the document's syntax reaches (then the
	// document is not JSON either).
	Path []any
	// Name is the member name, with U+FFFD for each bad sequence, when
	// the bad string is a member name; empty when it is a value.
	Name string
}

// Error describes e for people, naming the path as Dotted does.
func (e *Error) Error() string {
	where := Dotted(e.Path)
	switch {
	case e.Name != "" && where != "":
		return where + ": the attribute name " + strconv.Quote(e.Name) + " is not valid UTF-8"
	case e.Name != "":
		return "the attribute name " + strconv.Quote(e.Name) + " is not valid UTF-8"
	case where != "":
		return where + ": the value is not valid UTF-8"
	}
	return "the body is not valid UTF-8"
}

// Dotted renders a path as SCIM names an attribute: names joined by ".",
// except that a name that is a URN (an extension's schema) is joined to
// the next by ":", and indices in brackets:
// urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value,
// emails[1].value.
func Dotted(path []any) string {
	var b strings.Builder
	urn := false
	for _, seg := range path {
		switch s := seg.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(s) + "]")
			urn = false
		case string:
			switch {
			case b.Len() == 0:
			case urn:
				b.WriteByte(':')
			default:
				b.WriteByte('.')
			}
			b.WriteString(s)
			urn = strings.HasPrefix(strings.ToLower(s), "urn:")
		}
	}
	return b.String()
}

// Check returns nil when every byte of doc is UTF-8 and no string has a
// lone surrogate escape, and otherwise an *Error that names the first bad
// string. A document that is not JSON but whose bytes are UTF-8 is not
// Check's to refuse: it returns nil.
func Check(doc []byte) *Error {
	valid := utf8.Valid(doc)
	if valid && !bytes.Contains(doc, []byte(`\ud`)) && !bytes.Contains(doc, []byte(`\uD`)) {
		return nil
	}
	if e := locate(doc); e != nil {
		return e
	}
	if !valid {
		return &Error{}
	}
	return nil
}

// A frame is one open object or array of the document.
type frame struct {
	array   bool
	index   int    // array: index of the current element, -1 before the first
	key     string // object: the member whose value comes next
	wantKey bool   // object: the next string is a member name
}

// locate walks the document's tokens and returns the first string, name or
// value, that is bad; nil if none is (or the syntax fails first).
func locate(doc []byte) *Error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var stack []frame
	path := func(withKey bool) []any {
		out := make([]any, 0, len(stack))
		for i, f := range stack {
			switch {
			case f.array:
				out = append(out, f.index)
			case withKey || i < len(stack)-1:
				out = append(out, f.key)
			}
		}
		return out
	}
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		raw := doc[start:dec.InputOffset()] // the token, after separators and spaces
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && !stack[len(stack)-1].array {
				stack[len(stack)-1].wantKey = true
			}
			continue
		}
		if s, ok := tok.(string); ok && top != nil && !top.array && top.wantKey {
			if bad(raw) {
				return &Error{Path: path(false), Name: s}
			}
			top.key, top.wantKey = s, false
			continue
		}
		// A value: a scalar, or the start of an object or array.
		if top != nil {
			if top.array {
				top.index++
			} else {
				top.wantKey = true
			}
		}
		switch tok := tok.(type) {
		case string:
			if bad(raw) {
				return &Error{Path: path(true)}
			}
		case json.Delim:
			stack = append(stack, frame{array: tok == '[', index: -1, wantKey: tok == '{'})
		}
	}
}

// bad reports whether the raw text of a string token (with what precedes
// it in the document, which is ASCII) has bytes that are not UTF-8 or a
// surrogate escape that is not half of a pair.
func bad(raw []byte) bool {
	if !utf8.Valid(raw) {
		return true
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 < len(raw) && raw[i+1] != 'u' {
			i++ // a two-character escape, such as \\ or \"
			continue
		}
		r, ok := hex4(raw, i+2)
		if !ok {
			continue
		}
		i += 5
		if !utf16.IsSurrogate(r) {
			continue
		}
		if r >= 0xDC00 { // a low half with no high half before it
			return true
		}
		low, ok := hex4(raw, i+3)
		if i+2 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' || !ok || low < 0xDC00 || low > 0xDFFF {
			return true
		}
		i += 6
	}
	return false
}

// hex4 reads the four hex digits at raw[at:].
func hex4(raw []byte, at int) (rune, bool) {
	if at+4 > len(raw) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[at:at+4]), 16, 32)
	return rune(n), err == nil
}
