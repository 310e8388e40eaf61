package directory

import (
	"strings"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"ada@example.com", "ada+scim@example.com", `"ada@home"@example.com`, `"ada lovelace"@example.com`,
		`"a\"b"@example.com`, "ève@exämple.org", "ada@[192.0.2.1]", "emailName357"} {
		if err := checkEmail(ok); err != nil {
			t.Errorf("checkEmail(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"not an email", "a@b@example.com", "@example.com", "ada@", "ada @example.com", " ada@example.com",
		"ada@example.com\n", "ada\u00a0@example.com", "ada\x00@example.com", `"ada@example.com`, `"ada` + "\x01" + `"@example.com`} {
		err := checkEmail(bad)
		if err == nil || !strings.Contains(err.Error(), "emails value") {
			t.Errorf("checkEmail(%q) = %v, want an error naming the value", bad, err)
		}
	}
}

func TestCheckPreferredLanguage(t *testing.T) {
	for _, ok := range []string{"en", "en_US", "de-CH-1996", "da, en-gb;q=0.8, en;q=0.7", "*", "en-US,*;q=0.1", "fr;q=0, de ;Q=1.000",
		"da ; q=0.5,en", "sv;q=0.123", "sv;q=1.", "sv;q=0."} {
		if err := checkPreferredLanguage(ok); err != nil {
			t.Errorf("checkPreferredLanguage(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"not a language", "da, !!", "da;q=1.5", "da;q=1.001", "da;q=0.1234", "da;q=-0", "da;q=.5", "da;q =0.5",
		"da;level=1", "da;q=", "da;q=0.5;q=0.4", "da,,en", ",", "da, ", ""} {
		err := checkPreferredLanguage(bad)
		if err == nil || !strings.Contains(err.Error(), "preferredLanguage") {
			t.Errorf("checkPreferredLanguage(%q) = %v, want an error naming preferredLanguage", bad, err)
		}
	}
}

func TestCheckPrimaries(t *testing.T) {
	two := func() []any {
		return []any{map[string]any{"value": "a", "primary": true}, map[string]any{"value": "b", "Primary": true}}
	}
	for _, doc := range []map[string]any{
		{"emails": two()},
		{"urn:example:ext": map[string]any{"devices": two()}},
	} {
		if err := checkPrimaries(doc, nil); err == nil || !strings.Contains(err.Error(), "at most one value may be primary, got 2") {
			t.Errorf("checkPrimaries(%v) = %v, want the two primaries refused", doc, err)
		}
		if err := checkPrimaries(doc, doc); err != nil {
			t.Errorf("checkPrimaries of a stored, unchanged %v = %v, want nil", doc, err)
		}
	}
	one := map[string]any{"emails": []any{map[string]any{"value": "a", "primary": true}, map[string]any{"value": "b", "primary": false}}}
	if err := checkPrimaries(one, nil); err != nil {
		t.Errorf("checkPrimaries(%v) = %v, want nil", one, err)
	}
}
