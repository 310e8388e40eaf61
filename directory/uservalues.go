package directory

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
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

// verification keeps verified and verifiedAt of one multi-valued contact
// attribute consistent: verifiedAt is set when a value is verified without
// one and dropped when it is not verified, and a primary value that
// changed is not verified. New and changed email addresses and phone
// numbers are checked (checkEmail, checkPhone).
func verification(doc, prev map[string]any, attr string, now time.Time) error {
	list, _ := doc[attr].([]any)
	prevList, _ := prev[attr].([]any)
	for _, el := range list {
		m, ok := el.(map[string]any)
		if !ok {
			continue
		}
		if v, _ := m["value"].(string); v != "" && !containsValue(prevList, v) {
			check := checkEmail
			if attr == "phoneNumbers" {
				check = checkPhone
			}
			if err := check(v); err != nil {
				return err
			}
		}
		if v, _ := m["verified"].(bool); !v {
			delete(m, "verifiedAt")
			continue
		}
		if at, _ := m["verifiedAt"].(string); at == "" {
			m["verifiedAt"] = stamp(now)
		}
	}
	if prev == nil {
		return nil
	}
	next, ok := primary(list)
	if !ok {
		return nil
	}
	if old, had := primary(prevList); had && sameContact(attr, old["value"], next["value"]) {
		return nil
	}
	if v, _ := next["verified"].(bool); v {
		next["verified"] = false
		delete(next, "verifiedAt")
	}
	return nil
}

// primary returns the primary element of a multi-valued attribute: the one
// marked primary, or the only one.
func primary(list []any) (map[string]any, bool) {
	for _, el := range list {
		if m, ok := el.(map[string]any); ok {
			if p, _ := m["primary"].(bool); p {
				return m, true
			}
		}
	}
	if len(list) == 1 {
		m, ok := list[0].(map[string]any)
		return m, ok
	}
	return nil, false
}

func sameContact(attr string, a, b any) bool {
	x, _ := a.(string)
	y, _ := b.(string)
	if attr == "phoneNumbers" {
		return storage.NormalizePhone(x) == storage.NormalizePhone(y)
	}
	return strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(y))
}

func containsValue(list []any, v string) bool {
	for _, el := range list {
		if m, ok := el.(map[string]any); ok && m["value"] == v {
			return true
		}
	}
	return false
}

// checkPhone accepts a phone number whose E.164 form (storage.NormalizePhone)
// has 3 to 15 digits: the number in international form (+15550100000) or
// in a national one (555-010-0000, as Entra and Okta send what directories
// hold), with spaces, '-', '.', '/' and parentheses, an optional "tel:"
// prefix, and an optional extension ("x123", "ext. 123", ";ext=123") whose
// digits do not count.
func checkPhone(v string) error {
	bad := invalid("phoneNumbers value %q is not a phone number: give it in E.164 form, such as +15550100000 "+
		"(separators, a national form and an extension such as \"x123\" are accepted)", v)
	s := strings.ToLower(strings.TrimSpace(v))
	s = strings.TrimPrefix(s, "tel:")
	for _, marker := range []string{";ext=", "extension", "ext.", "ext", "x", "#"} {
		if i := strings.Index(s, marker); i > 0 {
			ext := strings.TrimSpace(strings.TrimLeft(s[i+len(marker):], ". "))
			if ext == "" || strings.Trim(ext, "0123456789") != "" {
				return bad
			}
			s = s[:i]
			break
		}
	}
	digits := 0
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case strings.ContainsRune(" -./()", r):
		default:
			return bad
		}
	}
	if digits < 3 || digits > 15 {
		return bad
	}
	return nil
}

// checkProfile validates the profile values that changed: preferredLanguage
// (Accept-Language's list of BCP 47 language tags, checkPreferredLanguage)
// and locale (a BCP 47 language tag; it may use '_'), timezone (an
// IANA name) and birthday (YYYY-MM-DD, not in the future).
func checkProfile(doc, prev, ext, prevExt map[string]any) error {
	changed := func(m, old map[string]any, k string) (string, bool) {
		v, ok := m[k].(string)
		if !ok || v == "" {
			return "", false
		}
		o, _ := old[k].(string)
		return v, v != o
	}
	if v, ok := changed(doc, prev, "preferredLanguage"); ok {
		if err := checkPreferredLanguage(v); err != nil {
			return err
		}
	}
	if v, ok := changed(doc, prev, "locale"); ok {
		if _, err := language.Parse(strings.ReplaceAll(v, "_", "-")); err != nil {
			return invalid("locale %q is not a locale such as en-US or fr-CA", v)
		}
	}
	if v, ok := changed(doc, prev, "timezone"); ok {
		if _, err := time.LoadLocation(v); err != nil || v == "Local" || !utf8.ValidString(v) {
			return invalid("timezone %q is not an IANA time zone name such as America/Los_Angeles or Europe/Berlin", v)
		}
	}
	if v, ok := changed(ext, prevExt, schemas.AttrBirthday); ok {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil || d.Year() < 1800 {
			return invalid("%s:birthday %q is not a date in the form YYYY-MM-DD", schemas.ScimdUserURN, v)
		}
		if d.After(time.Now()) {
			return invalid("%s:birthday %q is in the future", schemas.ScimdUserURN, v)
		}
	}
	return nil
}

// passwordPolicy checks a new password (one that is not the stored hash)
// against the minimum length, in characters, and stamps passwordUpdatedAt.
func passwordPolicy(doc, prev, ext map[string]any, now time.Time, minLength int) error {
	pw, ok := doc["password"].(string)
	old, _ := prev["password"].(string)
	if !ok || pw == old {
		return nil
	}
	if n := utf8.RuneCountInString(pw); n < minLength {
		return invalid("password is %d characters long; the password policy asks for at least %d", n, minLength)
	}
	ext[schemas.AttrPasswordUpdatedAt] = stamp(now)
	return nil
}
