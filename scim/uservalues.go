package scim

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// The value rules of user writes that are not about the lifecycle: one
// primary value per multi-valued attribute, email addresses and the
// preferredLanguage list. Like the other checks of prepareUser, they look
// only at values a write changes, so that a user stored before a rule
// existed can still be edited.

// checkPrimaries refuses a multi-valued attribute, core or extension, in
// which more than one value has primary=true (RFC 7643 §2.4), unless the
// write leaves the attribute as it was stored (prev).
func checkPrimaries(doc, prev map[string]any) error {
	check := func(name string, v, old any) error {
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		n := 0
		for _, el := range list {
			if m, ok := el.(map[string]any); ok && isPrimary(m) {
				n++
			}
		}
		if n > 1 && !reflect.DeepEqual(v, old) {
			return invalid("%s: at most one value may be primary, got %d; mark one value primary", name, n)
		}
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(doc)) {
		if err := check(k, doc[k], prev[k]); err != nil {
			return err
		}
		ext, ok := doc[k].(map[string]any)
		if !ok || !strings.Contains(k, ":") {
			continue // not an extension's attributes
		}
		prevExt, _ := prev[k].(map[string]any)
		for _, a := range slices.Sorted(maps.Keys(ext)) {
			if err := check(k+":"+a, ext[a], prevExt[a]); err != nil {
				return err
			}
		}
	}
	return nil
}

// isPrimary reports whether an element of a multi-valued attribute is
// marked primary.
func isPrimary(m map[string]any) bool {
	for k, v := range m {
		if strings.EqualFold(k, "primary") && v == true {
			return true
		}
	}
	return false
}

// checkEmail accepts an email address, checked pragmatically rather than
// by the whole of RFC 5321: at most one '@' outside a quoted local part
// ("a@b"@example.com), a non-empty local part and domain on either side of
// it, and no whitespace or control characters (a quoted local part may
// hold spaces). A value without '@' is taken as a mailbox name without a
// domain: Microsoft's SCIM reference tests create users with one.
func checkEmail(v string) error {
	bad := func(why string) error {
		return invalid("emails value %q is not an email address: %s; give it as local-part@domain, such as ada@example.com", v, why)
	}
	at := -1
	quoted, escaped := false, false
	for i, r := range v {
		switch {
		case unicode.IsControl(r):
			return bad("it holds a control character")
		case escaped:
			escaped = false
		case quoted && r == '\\':
			escaped = true
		case r == '"' && at < 0:
			quoted = !quoted
		case quoted:
		case unicode.IsSpace(r):
			return bad("it holds whitespace")
		case r == '@' && at >= 0:
			return bad("it has more than one @")
		case r == '@':
			at = i
		}
	}
	switch {
	case quoted:
		return bad("a quoted local part is not closed")
	case at == 0:
		return bad("the local part before @ is empty")
	case at == len(v)-1:
		return bad("the domain after @ is empty")
	}
	return nil
}

// checkPreferredLanguage accepts preferredLanguage in the format of the
// HTTP Accept-Language header (RFC 7643 §4.1.1, RFC 9110 §12.5.4): one
// language tag, or a comma-separated list of tags or "*", each with an
// optional weight ";q=" from 0 to 1 with up to three decimals, as in
// "da, en-gb;q=0.8, en;q=0.7". Each tag must be a BCP 47 language tag.
func checkPreferredLanguage(v string) error {
	const how = `give a BCP 47 language tag such as en, en-US or de-CH, or a weighted list such as "da, en-GB;q=0.8, en;q=0.7"`
	for _, el := range strings.Split(v, ",") {
		tag, weight, weighted := strings.Cut(el, ";")
		tag = strings.Trim(tag, " \t")
		switch {
		case tag == "":
			return invalid("preferredLanguage %q has an empty element; %s", v, how)
		case tag == "*":
		default:
			if _, err := language.Parse(tag); err != nil {
				return invalid("preferredLanguage %q: %q is not a BCP 47 language tag; %s", v, tag, how)
			}
		}
		if weighted && !validWeight(weight) {
			return invalid("preferredLanguage %q: the weight of %q must be q= and a number from 0 to 1 with up to three decimals, such as q=0.8", v, tag)
		}
	}
	return nil
}

// validWeight reports whether s is an Accept-Language weight after its
// ';': optional whitespace, then "q=" and a qvalue (RFC 9110 §12.4.2):
// 0 to 1 with up to three decimals.
func validWeight(s string) bool {
	s = strings.Trim(s, " \t")
	if len(s) < 3 || !strings.EqualFold(s[:2], "q=") {
		return false
	}
	q := s[2:]
	whole, frac, hasFrac := strings.Cut(q, ".")
	if len(frac) > 3 || (whole != "0" && whole != "1") || (hasFrac && strings.Trim(frac, "0123456789") != "") {
		return false
	}
	return whole == "0" || strings.Trim(frac, "0") == ""
}
