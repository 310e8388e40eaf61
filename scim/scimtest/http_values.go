package scimtest

// The value rules of user writes: at most one primary value per
// multi-valued attribute (RFC 7643 §2.4), email addresses checked as phone
// numbers are, preferredLanguage in the Accept-Language format
// (RFC 7643 §4.1.1), and no removal of active or status that would change
// nothing while reporting success.

import (
	"net/http"
	"strings"
	"testing"
)

// httpWantDetail checks that an error's detail holds every one of parts.
func httpWantDetail(t *testing.T, r *httpResp, parts ...string) {
	t.Helper()
	d, _ := r.Body["detail"].(string)
	for _, p := range parts {
		if !strings.Contains(d, p) {
			t.Errorf("%s: detail %q does not say %q", r, d, p)
		}
	}
}

// httpTestPrimaryValues checks that no write leaves two primary values in
// a multi-valued attribute: POST, PUT and a PATCH operation that sends two
// are refused (400 invalidValue naming the attribute), while a PATCH that
// makes one value primary takes primary from the others.
func httpTestPrimaryValues(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	two := func(a, b map[string]any) []any {
		a["primary"], b["primary"] = true, true
		return []any{a, b}
	}
	values := map[string]func() []any{
		"emails": func() []any {
			return two(map[string]any{"value": "a@example.com"}, map[string]any{"value": "b@example.com"})
		},
		"phoneNumbers": func() []any {
			return two(map[string]any{"value": "+15550100001"}, map[string]any{"value": "+15550100002"})
		},
		"ims": func() []any { return two(map[string]any{"value": "a-im"}, map[string]any{"value": "b-im"}) },
		"photos": func() []any {
			return two(map[string]any{"value": "https://example.com/a.png"}, map[string]any{"value": "https://example.com/b.png"})
		},
		"addresses":    func() []any { return two(map[string]any{"locality": "Aarhus"}, map[string]any{"locality": "Bergen"}) },
		"entitlements": func() []any { return two(map[string]any{"value": "a-ent"}, map[string]any{"value": "b-ent"}) },
		"roles":        func() []any { return two(map[string]any{"value": "a-role"}, map[string]any{"value": "b-role"}) },
		"x509Certificates": func() []any {
			return two(map[string]any{"value": "TUlJREF6Q0NBZXVnQXdJQkFnSUpBTGw="}, map[string]any{"value": "TUlJREF6Q0NBZXVnQXdJQkFnSUpBTGx="})
		},
	}
	id := c.createUser("pia.primary", map[string]any{"emails": []any{
		map[string]any{"value": "pia@work.example.com", "type": "work", "primary": true},
		map[string]any{"value": "pia@home.example.org", "type": "home", "primary": false},
	}})
	for attr, list := range values {
		r := c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "two." + attr, attr: list()})
		if r.wantError(http.StatusBadRequest, "invalidValue") {
			httpWantDetail(t, r, attr, "at most one value may be primary, got 2")
		}
		c.wantFilter(`userName eq "two.` + attr + `"`)
		r = c.refused(id, "invalidValue", func() *httpResp {
			return c.put("/Users/"+id, map[string]any{"schemas": []string{httpURNUser}, "userName": "pia.primary", attr: list()})
		})
		httpWantDetail(t, r, attr, "primary")
		r = c.refused(id, "invalidValue", func() *httpResp {
			return c.patchUser(id, map[string]any{"op": "replace", "path": attr, "value": list()})
		})
		httpWantDetail(t, r, attr, "primary")
	}
	// Entra's string booleans count as booleans.
	r := c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "two.strings", "emails": []any{
		map[string]any{"value": "a@example.com", "primary": "True"}, map[string]any{"value": "b@example.com", "primary": "true"},
	}})
	r.wantError(http.StatusBadRequest, "invalidValue")
	// A path-less PATCH, and a path that makes several elements primary.
	c.refused(id, "invalidValue", func() *httpResp {
		return c.patchUser(id, map[string]any{"op": "add", "value": map[string]any{"emails": values["emails"]()}})
	})
	c.refused(id, "invalidValue", func() *httpResp {
		return c.patchUser(id, map[string]any{"op": "replace", "path": "emails[value pr].primary", "value": true})
	})
	// One operation that makes one value primary moves primary to it.
	c.patchUser(id, map[string]any{"op": "replace", "path": `emails[type eq "home"].primary`, "value": true}).wantNoContent()
	u := c.mustGet("User", id)
	if httpTyped(u, "emails", "home")["primary"] != true || httpTyped(u, "emails", "work")["primary"] == true {
		t.Errorf("user %s: primary did not move to the home email: %v", id, u["emails"])
	}
	c.patchUser(id, map[string]any{"op": "add", "path": "emails",
		"value": []any{map[string]any{"value": "pia@other.example.net", "type": "other", "primary": true}}}).wantNoContent()
	u = c.mustGet("User", id)
	if httpTyped(u, "emails", "other")["primary"] != true || httpTyped(u, "emails", "home")["primary"] == true {
		t.Errorf("user %s: primary did not move to the added email: %v", id, u["emails"])
	}
}

// httpTestStatusRemoval checks that a PATCH that removes active or the
// scimd User extension's status, which the status model cannot do, is
// refused (400 mutability) instead of answering 204 for a change that
// never happens.
func httpTestStatusRemoval(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("remy.removal", nil)
	c.patchUser(id, map[string]any{"op": "replace", "path": "active", "value": false}).wantNoContent()
	for _, op := range []map[string]any{
		{"op": "remove", "path": "active"},
		{"op": "Remove", "path": "ACTIVE"},
		{"op": "replace", "path": "active", "value": nil},
		{"op": "remove", "path": httpURNScimdUser + ":status"},
		{"op": "replace", "path": httpURNScimdUser + ":status", "value": ""},
	} {
		r := c.refused(id, "mutability", func() *httpResp { return c.patchUser(id, op) })
		httpWantDetail(t, r, "cannot be removed", "status")
	}
	if u := c.mustGet("User", id); u["active"] != false || httpScimd(u)["status"] != "deprovisioned" {
		t.Errorf("user %s: active %v, status %v after refused removals; want false, deprovisioned", id, u["active"], httpScimd(u)["status"])
	}
}

// httpTestPreferredLanguage checks that preferredLanguage takes the
// Accept-Language format, weighted lists included, and still checks every
// tag and weight.
func httpTestPreferredLanguage(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	list := "da, en-gb;q=0.8, en;q=0.7"
	id := c.createUser("lars.language", map[string]any{"preferredLanguage": list})
	if got := c.mustGet("User", id)["preferredLanguage"]; got != list {
		t.Errorf("user %s: preferredLanguage %v, want %q as sent", id, got, list)
	}
	for _, ok := range []string{"xh", "de-CH", "en-US,*;q=0.1", "fr;q=0, de ;Q=1.000", "da ; q=0.5,en", "sv;q=0.123"} {
		c.patchUser(id, map[string]any{"op": "replace", "path": "preferredLanguage", "value": ok}).wantNoContent()
		if got := c.mustGet("User", id)["preferredLanguage"]; got != ok {
			t.Errorf("user %s: preferredLanguage %v, want %q", id, got, ok)
		}
	}
	for bad, detail := range map[string]string{
		"not a language":     `"not a language"`,
		"da, !!;q=0.5":       `"!!"`,
		"da, en-gb;q=1.5":    `"en-gb"`,
		"da;q=0.1234":        `"da"`,
		"da;q=-0":            "weight",
		"da;q =0.5":          "weight",
		"da;level=1":         "weight",
		"da;q=":              "weight",
		"da,,en":             "empty element",
		"da, en-gb;q=0.8, ,": "empty element",
	} {
		r := c.refused(id, "invalidValue", func() *httpResp {
			return c.patchUser(id, map[string]any{"op": "replace", "path": "preferredLanguage", "value": bad})
		})
		httpWantDetail(t, r, "preferredLanguage", detail)
	}
	r := c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "bad.language", "preferredLanguage": "da;q=2"})
	r.wantError(http.StatusBadRequest, "invalidValue")
}

// httpTestEmailValues checks that a new or changed email value must look
// like an address, with a detail naming the value, while the forms mail
// systems take (quoted local parts, plus addressing, non-ASCII) pass.
func httpTestEmailValues(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	r := c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "not.an.email",
		"emails": []any{map[string]any{"value": "not an email"}}})
	if r.wantError(http.StatusBadRequest, "invalidValue") {
		httpWantDetail(t, r, `emails value "not an email"`)
	}
	c.wantFilter(`userName eq "not.an.email"`)
	id := c.createUser("eve.email", map[string]any{"emails": []any{map[string]any{"value": "eve@example.com", "type": "work", "primary": true}}})
	for _, bad := range []string{"eve@@example.com", "a@b@example.com", "@example.com", "eve@", "eve @example.com",
		"eve@example.com ", "eve@exa\tmple.com", "eve\u0000@example.com", `"eve@example.com`} {
		r := c.refused(id, "invalidValue", func() *httpResp {
			return c.patchUser(id, map[string]any{"op": "add", "path": "emails", "value": []any{map[string]any{"value": bad, "type": "home"}}})
		})
		httpWantDetail(t, r, "emails value", "not an email address")
		c.refused(id, "invalidValue", func() *httpResp {
			return c.put("/Users/"+id, map[string]any{"schemas": []string{httpURNUser}, "userName": "eve.email",
				"emails": []any{map[string]any{"value": bad}}})
		})
	}
	c.refused(id, "invalidValue", func() *httpResp {
		return c.patchUser(id, map[string]any{"op": "replace", "path": `emails[type eq "work"].value`, "value": "eve at example.com"})
	})
	// What mail systems take, and a bare mailbox name as Microsoft's SCIM
	// reference tests send it.
	for _, ok := range []string{`"eve@home"@example.com`, `"eve smith"@example.com`, "eve+scim@example.com",
		"ève@exämple.org", "eve@[192.0.2.1]", "emailName357"} {
		c.patchUser(id, map[string]any{"op": "add", "path": "emails", "value": []any{map[string]any{"value": ok, "type": "other"}}}).wantNoContent()
	}
}
