package scimtest

// The user lifecycle and profile features of the scimd User extension over
// SCIM: each round-trips, and each invalid input gets a 400 that changes
// nothing.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// httpURNScimdUser is scimd's User extension.
const httpURNScimdUser = "urn:scimd:schemas:extension:2.0:User"

// httpScimd returns the scimd User extension object of a user.
func httpScimd(user map[string]any) map[string]any {
	m, _ := user[httpURNScimdUser].(map[string]any)
	return m
}

// version returns a user's meta.version, to prove a refused request
// changed nothing.
func (c *httpClient) version(id string) string {
	c.t.Helper()
	v, _ := httpAt(c.mustGet("User", id), "meta", "version").(string)
	return v
}

// refused sends a write that must fail with 400 and scimType, and checks
// that the user did not change.
func (c *httpClient) refused(id string, scimType string, send func() *httpResp) *httpResp {
	c.t.Helper()
	before := c.version(id)
	r := send()
	if scimType == "" {
		r.wantError(http.StatusBadRequest)
	} else {
		r.wantError(http.StatusBadRequest, scimType)
	}
	if after := c.version(id); after != before {
		c.t.Errorf("%s: the refused request changed the user (version %s → %s)", r, before, after)
	}
	return r
}

func (c *httpClient) patchUser(id string, ops ...map[string]any) *httpResp {
	c.t.Helper()
	return c.patch("/Users/"+id, httpPatchOp(ops...))
}

func (c *httpClient) wantFilter(filter string, want ...string) {
	c.t.Helper()
	r := c.get("/Users" + httpFilter(filter))
	if l, ok := r.wantList(httpIndexList); ok {
		l.wantIDs(c.t, r, want...)
	}
}

func httpStamp(t *testing.T, what string, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("%s is %v, want an RFC 3339 timestamp", what, v)
	}
	return ts
}

// httpTestLifecycleStatus checks status and its mapping to active both
// ways, the allowed moves, statusChangedAt and that suspending or
// deprovisioning a user moves its sessionsValidAfter.
func httpTestLifecycleStatus(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	status := func(id string) (string, bool) {
		u := c.mustGet("User", id)
		s, _ := httpScimd(u)["status"].(string)
		a, _ := u["active"].(bool)
		return s, a
	}
	want := func(id, wantStatus string) {
		t.Helper()
		s, a := status(id)
		if s != wantStatus || a != (wantStatus == "active") {
			t.Errorf("user %s: status %q, active %v; want %q, active %v", id, s, a, wantStatus, wantStatus == "active")
		}
	}
	ann := c.createUser("ann.lifecycle", nil)
	want(ann, "active")
	u := c.mustGet("User", ann)
	created := httpStamp(t, "statusChangedAt", httpScimd(u)["statusChangedAt"])
	if !httpHasString(u["schemas"], httpURNScimdUser) {
		t.Errorf("user %s: schemas %v does not list %s", ann, u["schemas"], httpURNScimdUser)
	}

	// Invalidate the user's sessions first, so the test sees suspension
	// move the time forward.
	r := c.post("/Users/"+ann+"/sessions/invalidate", nil).must(http.StatusOK)
	before := httpStamp(t, "userSessionsValidAfter", r.Body["userSessionsValidAfter"])
	time.Sleep(5 * time.Millisecond)
	c.patchUser(ann, map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": "suspended"}).wantNoContent()
	want(ann, "suspended")
	u = c.mustGet("User", ann)
	moved := httpStamp(t, "sessionsValidAfter", httpScimd(u)["sessionsValidAfter"])
	if !moved.After(before) {
		t.Errorf("suspending did not move sessionsValidAfter: %v, then %v", before, moved)
	}
	if changed := httpStamp(t, "statusChangedAt", httpScimd(u)["statusChangedAt"]); !changed.After(created) {
		t.Errorf("statusChangedAt %v did not move past %v", changed, created)
	}
	r = c.get("/Users/" + ann + "/sessions").must(http.StatusOK)
	if got := httpStamp(t, "sessionsValidAfter", r.Body["sessionsValidAfter"]); !got.Equal(moved) {
		t.Errorf("%s: sessionsValidAfter %v, want the user's %v", r, got, moved)
	}
	c.wantFilter(httpURNScimdUser+`:status eq "suspended"`, ann)
	c.wantFilter(`active eq false`, ann)

	// Moves that are not allowed: 400 naming the allowed ones.
	for _, to := range []string{"deprovisioned", "pending"} {
		r := c.refused(ann, "invalidValue", func() *httpResp {
			return c.patchUser(ann, map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": to})
		})
		if d, _ := r.Body["detail"].(string); !strings.Contains(d, "suspended to active") {
			t.Errorf("%s: the detail does not name the allowed moves", r)
		}
	}
	c.refused(ann, "invalidValue", func() *httpResp {
		return c.patchUser(ann, map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": "frozen"})
	})
	// active=false keeps a suspended user suspended; active=true (Entra's
	// string form) activates it.
	c.patchUser(ann, map[string]any{"op": "replace", "path": "active", "value": false}).wantNoContent()
	want(ann, "suspended")
	c.patchUser(ann, map[string]any{"op": "Replace", "path": "active", "value": "True"}).wantNoContent()
	want(ann, "active")
	// active=false deprovisions (Okta's path-less form), which moves the
	// sessions too; active=true restores.
	before = httpStamp(t, "sessionsValidAfter", httpScimd(c.mustGet("User", ann))["sessionsValidAfter"])
	time.Sleep(5 * time.Millisecond)
	c.patchUser(ann, map[string]any{"op": "replace", "value": map[string]any{"active": false}}).wantNoContent()
	want(ann, "deprovisioned")
	if after := httpStamp(t, "sessionsValidAfter", httpScimd(c.mustGet("User", ann))["sessionsValidAfter"]); !after.After(before) {
		t.Errorf("deprovisioning did not move sessionsValidAfter: %v, then %v", before, after)
	}
	c.refused(ann, "invalidValue", func() *httpResp {
		return c.patchUser(ann, map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": "suspended"})
	})
	c.patchUser(ann, map[string]any{"op": "replace", "path": "active", "value": true}).wantNoContent()
	want(ann, "active")

	// A pending user: created so, activated by active=true, or suspended.
	ben := c.createUser("ben.lifecycle", map[string]any{httpURNScimdUser: map[string]any{"status": "pending"}})
	want(ben, "pending")
	c.wantFilter(httpURNScimdUser+`:status eq "pending"`, ben)
	c.patchUser(ben, map[string]any{"op": "replace", "path": "active", "value": true}).wantNoContent()
	want(ben, "active")
	// Created with active=false: deprovisioned.
	cid := c.createUser("cid.lifecycle", map[string]any{"active": false})
	want(cid, "deprovisioned")
	c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "dee.lifecycle",
		httpURNScimdUser: map[string]any{"status": "sleeping"}}).wantError(http.StatusBadRequest, "invalidValue")

	// PUT by a client that does not know the extension (Okta AIW apps)
	// keeps the status and maps active.
	body := map[string]any{"schemas": []string{httpURNUser}, "userName": "ben.lifecycle", "active": true}
	c.patchUser(ben, map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": "suspended"}).wantNoContent()
	c.put("/Users/"+ben, body).must(http.StatusOK)
	want(ben, "active")
	body["active"] = false
	c.put("/Users/"+ben, body).must(http.StatusOK)
	want(ben, "deprovisioned")
}

// httpTestContactVerification checks verified and verifiedAt of emails
// and phone numbers, phone numbers in E.164, and that changing the
// primary value clears its verification.
func httpTestContactVerification(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("vera.contact", map[string]any{
		"emails": []any{
			map[string]any{"value": "vera@work.example.com", "type": "work", "primary": true, "verified": true},
			map[string]any{"value": "vera@home.example.org", "type": "home"},
		},
		"phoneNumbers": []any{map[string]any{"value": "+1 (555) 010-0000", "type": "mobile", "primary": true, "verified": "True"}},
	})
	other := c.createUser("otto.contact", map[string]any{
		"emails": []any{map[string]any{"value": "otto@work.example.com", "type": "work", "primary": true, "verified": false}},
	})
	u := c.mustGet("User", id)
	work := httpTyped(u, "emails", "work")
	if work["verified"] != true {
		t.Errorf("user %s: work email %v, want verified", id, work)
	}
	httpStamp(t, "emails[work].verifiedAt", work["verifiedAt"])
	phone := httpTyped(u, "phoneNumbers", "mobile")
	if phone["value"] != "+1 (555) 010-0000" || phone["verified"] != true {
		t.Errorf("user %s: phone %v, want the number as sent, verified", id, phone)
	}
	c.wantFilter(`emails[verified eq true]`, id)
	c.wantFilter(`emails[type eq "work" and verified eq false]`, other)
	c.wantFilter(`phoneNumbers[verified eq true and value eq "+15550100000"]`, id)
	c.wantFilter(`phoneNumbers.value eq "+1 555 010 0000"`, id)

	// A secondary change keeps the primary's verification; a new primary
	// value is not verified.
	c.patchUser(id, map[string]any{"op": "replace", "path": `emails[type eq "home"].value`, "value": "vera@new-home.example.org"}).wantNoContent()
	if w := httpTyped(c.mustGet("User", id), "emails", "work"); w["verified"] != true {
		t.Errorf("changing a secondary email cleared the primary's verification: %v", w)
	}
	c.patchUser(id, map[string]any{"op": "replace", "path": `emails[type eq "work"].value`, "value": "vera@other.example.com"}).wantNoContent()
	u = c.mustGet("User", id)
	if w := httpTyped(u, "emails", "work"); w["verified"] != false || w["verifiedAt"] != nil {
		t.Errorf("changing the primary email kept its verification: %v", w)
	}
	c.patchUser(id, map[string]any{"op": "replace", "path": `phoneNumbers[type eq "mobile"].value`, "value": "+44 20 7946 0000"}).wantNoContent()
	if p := httpTyped(c.mustGet("User", id), "phoneNumbers", "mobile"); p["verified"] != false {
		t.Errorf("changing the primary phone kept its verification: %v", p)
	}
	c.wantFilter(`emails[verified eq true]`)

	// Phone numbers that are not phone numbers.
	for _, bad := range []string{"call me", "+1 555 CALL NOW", "12", "+1234567890123456"} {
		c.refused(id, "invalidValue", func() *httpResp {
			return c.patchUser(id, map[string]any{"op": "add", "path": "phoneNumbers",
				"value": []any{map[string]any{"value": bad, "type": "work"}}})
		})
	}
	c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "bad.phone",
		"phoneNumbers": []any{map[string]any{"value": "not a number"}}}).wantError(http.StatusBadRequest, "invalidValue")
	// National forms and extensions, as directories hold them, are numbers.
	c.patchUser(id, map[string]any{"op": "add", "path": "phoneNumbers",
		"value": []any{map[string]any{"value": "312-320-0500 x123", "type": "work"}}}).wantNoContent()
}

// httpTestProfile checks the profile attributes, their validation, and
// lastLoginAt set by POST /Users/{id}/login.
func httpTestProfile(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	profile := map[string]any{
		"name":              map[string]any{"givenName": "Paula", "familyName": "Profile", "middleName": "P", "formatted": "Paula P Profile"},
		"title":             "Engineer",
		"preferredLanguage": "de-CH",
		"locale":            "en_US",
		"timezone":          "Europe/Berlin",
		"addresses": []any{map[string]any{"type": "work", "streetAddress": "1 Main St", "locality": "Springfield",
			"region": "IL", "postalCode": "62701", "country": "US"}},
		"photos":         []any{map[string]any{"type": "photo", "value": "https://example.com/paula.png"}},
		httpURNScimdUser: map[string]any{"birthday": "1990-02-28"},
	}
	id := c.createUser("paula.profile", profile)
	u := c.mustGet("User", id)
	for _, k := range []string{"title", "preferredLanguage", "locale", "timezone"} {
		if u[k] != profile[k] {
			t.Errorf("user %s: %s %v, want %v", id, k, u[k], profile[k])
		}
	}
	if httpAt(u, "name", "middleName") != "P" || httpAt(u, "addresses", 0, "postalCode") != "62701" ||
		httpAt(u, "photos", 0, "value") != "https://example.com/paula.png" || httpScimd(u)["birthday"] != "1990-02-28" {
		t.Errorf("user %s: the profile does not round-trip: %v", id, u)
	}
	for _, tc := range []struct{ path, value string }{
		{"preferredLanguage", "not a language"},
		{"locale", "en-US-!!"},
		{"timezone", "Mars/Olympus_Mons"},
		{httpURNScimdUser + ":birthday", "1990-02-30"},
		{httpURNScimdUser + ":birthday", "28.02.1990"},
		{httpURNScimdUser + ":birthday", time.Now().AddDate(1, 0, 0).Format(time.DateOnly)},
	} {
		c.refused(id, "invalidValue", func() *httpResp {
			return c.patchUser(id, map[string]any{"op": "replace", "path": tc.path, "value": tc.value})
		})
	}

	// Logins.
	r := c.post("/Users/"+id+"/login", nil).must(http.StatusOK)
	first := httpStamp(t, "lastLoginAt", httpScimd(r.Body)["lastLoginAt"])
	r.checkResource("User", id)
	time.Sleep(5 * time.Millisecond)
	c.post("/Users/"+id+"/login", nil).must(http.StatusOK)
	if again := httpStamp(t, "lastLoginAt", httpScimd(c.mustGet("User", id))["lastLoginAt"]); !again.After(first) {
		t.Errorf("lastLoginAt %v did not move past %v", again, first)
	}
	// lastLoginAt is the server's: PATCH refuses it, PUT and POST ignore it.
	c.refused(id, "mutability", func() *httpResp {
		return c.patchUser(id, map[string]any{"op": "replace", "path": httpURNScimdUser + ":lastLoginAt", "value": "2001-01-01T00:00:00Z"})
	})
	c.get("/Users/" + id + "/login").wantError(http.StatusMethodNotAllowed)
	c.post("/Users/no-such-user/login", nil).wantError(http.StatusNotFound)
	c.patchUser(id, map[string]any{"op": "replace", "path": httpURNScimdUser + ":status", "value": "suspended"}).wantNoContent()
	c.post("/Users/"+id+"/login", nil).wantError(http.StatusConflict)
}

// httpTestCredentials checks the password policy, passwordUpdatedAt and
// the temporary and expired flags, and the tenant-wide sessions time.
func httpTestCredentials(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "short.pw", "password": "Sh0rt!"}).
		wantError(http.StatusBadRequest, "invalidValue")
	c.wantFilter(`userName eq "short.pw"`)
	id := c.createUser("pat.password", map[string]any{"password": "Long-enough-1",
		httpURNScimdUser: map[string]any{"passwordTemporary": true}})
	u := c.mustGet("User", id)
	set := httpStamp(t, "passwordUpdatedAt", httpScimd(u)["passwordUpdatedAt"])
	if httpScimd(u)["passwordTemporary"] != true {
		t.Errorf("user %s: passwordTemporary %v, want true", id, httpScimd(u)["passwordTemporary"])
	}
	c.refused(id, "invalidValue", func() *httpResp {
		return c.patchUser(id, map[string]any{"op": "replace", "path": "password", "value": "1234567"})
	})
	time.Sleep(5 * time.Millisecond)
	c.patchUser(id,
		map[string]any{"op": "replace", "path": "password", "value": "Another-long-2"},
		map[string]any{"op": "replace", "path": httpURNScimdUser + ":passwordTemporary", "value": false},
		map[string]any{"op": "replace", "path": httpURNScimdUser + ":passwordExpired", "value": false},
	).wantNoContent()
	u = c.mustGet("User", id)
	if again := httpStamp(t, "passwordUpdatedAt", httpScimd(u)["passwordUpdatedAt"]); !again.After(set) {
		t.Errorf("passwordUpdatedAt %v did not move past %v", again, set)
	}
	if httpScimd(u)["passwordTemporary"] != false || httpScimd(u)["passwordExpired"] != false {
		t.Errorf("user %s: the password flags do not round-trip: %v", id, httpScimd(u))
	}
	c.wantFilter(httpURNScimdUser+`:passwordTemporary eq false`, id)

	// Tenant-wide invalidation: the effective time is the later of the two.
	r := c.post("/Users/"+id+"/sessions/invalidate", nil).must(http.StatusOK)
	userAt := httpStamp(t, "userSessionsValidAfter", r.Body["userSessionsValidAfter"])
	time.Sleep(5 * time.Millisecond)
	r = c.post("/sessions/invalidate", nil).must(http.StatusOK)
	tenantAt := httpStamp(t, "tenantSessionsValidAfter", r.Body["tenantSessionsValidAfter"])
	if !tenantAt.After(userAt) {
		t.Errorf("tenant time %v not after user time %v", tenantAt, userAt)
	}
	r = c.get("/Users/" + id + "/sessions").must(http.StatusOK)
	if got := httpStamp(t, "sessionsValidAfter", r.Body["sessionsValidAfter"]); !got.Equal(tenantAt) {
		t.Errorf("%s: effective sessionsValidAfter %v, want the tenant's %v", r, got, tenantAt)
	}
	c.get("/sessions/invalidate").wantError(http.StatusMethodNotAllowed)
	c.refused(id, "mutability", func() *httpResp {
		return c.patchUser(id, map[string]any{"op": "replace", "path": httpURNScimdUser + ":sessionsValidAfter", "value": "2001-01-01T00:00:00Z"})
	})
}

// httpTestAliases checks aliases: unique in the tenant and filterable.
func httpTestAliases(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	id := c.createUser("al.alias", map[string]any{httpURNScimdUser: map[string]any{"aliases": []any{"legacy-42", "sess-XYZ"}}})
	other := c.createUser("bo.alias", nil)
	c.wantFilter(httpURNScimdUser+`:aliases eq "legacy-42"`, id)
	c.wantFilter(httpURNScimdUser + `:aliases eq "sess-xyz"`) // aliases are caseExact
	r := c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "cy.alias",
		httpURNScimdUser: map[string]any{"aliases": []any{"legacy-42"}}})
	if r.wantError(http.StatusConflict, "uniqueness") {
		if d, _ := r.Body["detail"].(string); !strings.Contains(d, httpURNScimdUser+":aliases") {
			t.Errorf("a taken alias: detail %q does not name the attribute", d)
		}
	}
	before := c.version(other)
	c.patchUser(other, map[string]any{"op": "add", "path": httpURNScimdUser + ":aliases", "value": []any{"sess-XYZ"}}).
		wantError(http.StatusConflict, "uniqueness")
	if c.version(other) != before {
		t.Errorf("a refused alias changed user %s", other)
	}
	// Released by removal.
	c.patchUser(id, map[string]any{"op": "remove", "path": httpURNScimdUser + ":aliases"}).wantNoContent()
	c.patchUser(other, map[string]any{"op": "add", "path": httpURNScimdUser + ":aliases", "value": []any{"sess-XYZ"}}).wantNoContent()
	c.wantFilter(httpURNScimdUser+`:aliases eq "sess-XYZ"`, other)
}

// httpTestTags checks tags: validation, value filters within one tag, and
// the tenant's tag keys.
func httpTestTags(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	tags := func(kv ...string) map[string]any {
		var list []any
		for i := 0; i < len(kv); i += 2 {
			list = append(list, map[string]any{"key": kv[i], "value": kv[i+1]})
		}
		return map[string]any{httpURNScimdUser: map[string]any{"tags": list}}
	}
	gold := c.createUser("gold.tags", tags("tier", "gold", "region", "eu"))
	silver := c.createUser("silver.tags", tags("tier", "silver", "plan", "gold"))
	c.wantFilter(httpURNScimdUser+`:tags[key eq "tier" and value eq "gold"]`, gold)
	// Key and value must match within one tag: silver has key tier and
	// value gold, but in two tags.
	c.wantFilter(httpURNScimdUser+`:tags[key eq "plan" and value eq "gold"]`, silver)
	c.wantFilter(httpURNScimdUser+`:tags[key eq "tier"]`, gold, silver)
	c.wantFilter(httpURNScimdUser+`:tags.value eq "eu"`, gold)
	keys := func(want ...string) {
		t.Helper()
		r := c.get("/TagKeys")
		l := r.mustList(httpIndexList)
		var got []string
		for _, m := range r.Body["Resources"].([]any) {
			k, _ := m.(map[string]any)
			n, _ := httpInt(k["users"])
			got = append(got, k["key"].(string)+"="+strings.Repeat("x", n))
		}
		if !slices.Equal(got, want) || l.Total != len(want) {
			t.Errorf("%s: tag keys %v, want %v", r, got, want)
		}
	}
	keys("plan=x", "region=x", "tier=xx")

	for _, bad := range []map[string]any{
		tags("tier", "gold", "tier", "silver"), // one value per key
		tags("bad key", "x"),
		tags("tier.level", "x"),
		{httpURNScimdUser: map[string]any{"tags": []any{map[string]any{"value": "no key"}}}},
	} {
		c.refused(gold, "invalidValue", func() *httpResp {
			return c.patchUser(gold, map[string]any{"op": "replace", "path": httpURNScimdUser + ":tags",
				"value": bad[httpURNScimdUser].(map[string]any)["tags"]})
		})
		body := map[string]any{"schemas": []string{httpURNUser}, "userName": "bad.tags"}
		for k, v := range bad {
			body[k] = v
		}
		c.post("/Users", body).wantError(http.StatusBadRequest, "invalidValue")
	}
	c.refused(gold, "invalidValue", func() *httpResp {
		return c.patchUser(gold, map[string]any{"op": "add", "path": httpURNScimdUser + ":tags",
			"value": []any{map[string]any{"key": "tier", "value": "platinum"}}})
	})
	// Changing a tag's value in place; dropping keys takes them off the
	// tenant's list once no user carries them.
	c.patchUser(gold, map[string]any{"op": "replace", "path": httpURNScimdUser + `:tags[key eq "tier"].value`, "value": "platinum"}).wantNoContent()
	c.wantFilter(httpURNScimdUser+`:tags[key eq "tier" and value eq "platinum"]`, gold)
	c.patchUser(gold, map[string]any{"op": "remove", "path": httpURNScimdUser + `:tags[key eq "region"]`}).wantNoContent()
	keys("plan=x", "tier=xx")
	c.delete("/Users/" + silver).wantNoContent()
	keys("tier=x")
}

// httpTestDelegates checks delegates: actors are users of the tenant.
func httpTestDelegates(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	actor := c.createUser("actor.delegate", nil)
	dep := c.createUser("dependent.delegate", map[string]any{httpURNScimdUser: map[string]any{"delegates": []any{
		map[string]any{"actorId": actor, "permissions": []any{"read", "pay"}}}}})
	u := c.mustGet("User", dep)
	if httpAt(httpScimd(u), "delegates", 0, "actorId") != actor || httpAt(httpScimd(u), "delegates", 0, "permissions", 1) != "pay" {
		t.Errorf("user %s: delegates %v", dep, httpScimd(u)["delegates"])
	}
	c.wantFilter(httpURNScimdUser+`:delegates[actorId eq "`+actor+`" and permissions eq "pay"]`, dep)
	for _, bad := range []any{
		[]any{map[string]any{"actorId": "no-such-user", "permissions": []any{"read"}}},
		[]any{map[string]any{"actorId": dep}},
		[]any{map[string]any{"actorId": actor, "permissions": []any{"read"}}, map[string]any{"actorId": actor, "permissions": []any{"pay"}}},
		[]any{map[string]any{"permissions": []any{"read"}}},
	} {
		c.refused(dep, "invalidValue", func() *httpResp {
			return c.patchUser(dep, map[string]any{"op": "replace", "path": httpURNScimdUser + ":delegates", "value": bad})
		})
	}
	c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "bad.delegate",
		httpURNScimdUser: map[string]any{"delegates": []any{map[string]any{"actorId": "no-such-user"}}}}).
		wantError(http.StatusBadRequest, "invalidValue")
}

// httpTestLinkedIdentities checks linked identities: unique per tenant,
// filterable, and their authentication times kept by logins.
func httpTestLinkedIdentities(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	link := func(source, identifier string) map[string]any {
		return map[string]any{httpURNScimdUser: map[string]any{"linkedIdentities": []any{
			map[string]any{"source": source, "identifier": identifier, "firstAuthenticatedAt": "2024-01-02T03:04:05Z"}}}}
	}
	id := c.createUser("lin.linked", link("github", "583231"))
	c.wantFilter(httpURNScimdUser+`:linkedIdentities[source eq "GitHub" and identifier eq "583231"]`, id)
	body := map[string]any{"schemas": []string{httpURNUser}, "userName": "clash.linked"}
	for k, v := range link("GITHUB", "583231") {
		body[k] = v
	}
	c.post("/Users", body).wantError(http.StatusConflict, "uniqueness")
	for _, bad := range []any{
		[]any{map[string]any{"source": "github"}},
		[]any{map[string]any{"source": "git hub", "identifier": "1"}},
		[]any{map[string]any{"source": "google", "identifier": "1", "lastAuthenticatedAt": "yesterday"}},
	} {
		c.refused(id, "", func() *httpResp {
			return c.patchUser(id, map[string]any{"op": "replace", "path": httpURNScimdUser + ":linkedIdentities", "value": bad})
		})
	}
	r := c.post("/Users/"+id+"/login", map[string]any{"source": "github", "identifier": "583231"}).must(http.StatusOK)
	li, _ := httpAt(httpScimd(r.Body), "linkedIdentities", 0).(map[string]any)
	httpStamp(t, "lastAuthenticatedAt", li["lastAuthenticatedAt"])
	if li["firstAuthenticatedAt"] != "2024-01-02T03:04:05Z" {
		t.Errorf("%s: firstAuthenticatedAt changed: %v", r, li)
	}
	c.post("/Users/"+id+"/login", map[string]any{"source": "google", "identifier": "583231"}).wantError(http.StatusBadRequest, "invalidValue")
}

// httpTestScimdDiscovery checks that /Schemas and /ResourceTypes describe
// the scimd User extension and the verification sub-attributes.
func httpTestScimdDiscovery(t *testing.T, tg Target) {
	c := httpNewClient(t, tg)
	r := c.get("/Schemas/" + httpURNScimdUser).must(http.StatusOK)
	var names []string
	for _, a := range httpAnySlice(r.Body["attributes"]) {
		m, _ := a.(map[string]any)
		n, _ := m["name"].(string)
		names = append(names, n)
	}
	for _, want := range []string{"status", "statusChangedAt", "birthday", "lastLoginAt", "passwordUpdatedAt", "passwordTemporary",
		"passwordExpired", "sessionsValidAfter", "aliases", "tags", "delegates", "linkedIdentities"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s: the scimd User schema lacks %s", r, want)
		}
	}
	r = c.get("/ResourceTypes/User").must(http.StatusOK)
	found := false
	for _, e := range httpAnySlice(r.Body["schemaExtensions"]) {
		m, _ := e.(map[string]any)
		found = found || (m["schema"] == httpURNScimdUser && m["required"] == false)
	}
	if !found {
		t.Errorf("%s: the User resource type does not list %s as an optional extension", r, httpURNScimdUser)
	}
	r = c.get("/Schemas/" + httpURNUser).must(http.StatusOK)
	for _, a := range httpAnySlice(r.Body["attributes"]) {
		m, _ := a.(map[string]any)
		if m["name"] != "emails" && m["name"] != "phoneNumbers" {
			continue
		}
		var subs []string
		for _, s := range httpAnySlice(m["subAttributes"]) {
			sm, _ := s.(map[string]any)
			n, _ := sm["name"].(string)
			subs = append(subs, n)
		}
		if !slices.Contains(subs, "verified") || !slices.Contains(subs, "verifiedAt") {
			t.Errorf("%s: %s has sub-attributes %v, want verified and verifiedAt", r, m["name"], subs)
		}
	}
}
