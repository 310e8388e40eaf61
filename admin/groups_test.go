package admin_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/scimd/scimd/admin"
)

// listed returns field of each object of the list under key of an answer.
func listed(r response, key, field string) []string {
	var out []string
	list, _ := r.body[key].([]any)
	for _, x := range list {
		s, _ := x.(map[string]any)[field].(string)
		out = append(out, s)
	}
	return out
}

func testGroups(t *testing.T, e *env) {
	platform := e.iss.token(t, "root", []string{admin.RolePlatformAdmin}, nil)
	acmeAdmin := e.iss.token(t, "alice", []string{admin.RoleTenantAdmin}, []string{"acme"})
	auditor := e.iss.token(t, "audrey", []string{admin.RoleAuditor}, []string{"acme"})
	noRole := e.iss.token(t, "nobody", nil, []string{"acme"})
	tokens := map[string]string{}
	for _, name := range []string{"acme", "beta"} {
		e.want(e.do("POST", "/admin/v1/tenants", platform, map[string]any{"name": name}), 201, "create "+name)
		tokens[name] = e.want(e.do("POST", "/admin/v1/tenants/"+name+"/credentials", platform, map[string]any{"name": "okta"}), 201, "credential").body["token"].(string)
	}
	ids := map[string]string{}
	scimCreate := func(tenant, typ, name, body string) {
		t.Helper()
		code, res := scimJSON(t, e, "POST", "/tenants/"+tenant+"/scim/v2/"+typ, tokens[tenant], body)
		if code != 201 {
			t.Fatalf("SCIM create %s %s: %d %v", typ, name, code, res)
		}
		ids[name] = res["id"].(string)
	}
	user := func(tenant, name string) {
		scimCreate(tenant, "Users", name, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"`+name+`"}`)
	}
	group := func(tenant, name string, members ...string) {
		var list []string
		for _, m := range members {
			list = append(list, `{"value":"`+ids[m]+`","display":"`+m+`"}`)
		}
		scimCreate(tenant, "Groups", name, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"`+name+`",`+
			`"externalId":"ext-`+name+`","members":[`+strings.Join(list, ",")+`]}`)
	}
	for _, u := range []string{"u1", "u2", "u3", "u4", "u5"} {
		user("acme", u)
	}
	user("beta", "zed")
	group("acme", "eng", "u1", "u2", "u3")
	group("acme", "all", "eng")
	group("acme", "ops")
	group("beta", "bgrp", "zed")
	groups := "/admin/v1/tenants/acme/groups"
	sortedIDs := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, ids[n])
		}
		slices.Sort(out)
		return out
	}

	// The list: by displayName, paged, filtered; members never shown.
	r := e.want(e.do("GET", groups, auditor, nil), 200, "list")
	if got := strings.Join(listed(r, "groups", "display_name"), ","); got != "all,eng,ops" || r.body["total_results"] != float64(3) {
		t.Errorf("list = %s", r.raw)
	}
	if strings.Contains(string(r.raw), `"members"`) || strings.Contains(string(r.raw), ids["u1"]) {
		t.Errorf("the list shows members: %s", r.raw)
	}
	r = e.want(e.do("GET", groups+"?count=1&startIndex=2", auditor, nil), 200, "page")
	if got := strings.Join(listed(r, "groups", "display_name"), ","); got != "eng" || r.body["total_results"] != float64(3) || r.body["start_index"] != float64(2) {
		t.Errorf("page 2 = %s", r.raw)
	}
	r = e.want(e.do("GET", groups+"?filter="+url.QueryEscape(`displayName eq "OPS" or externalId eq "ext-all"`), auditor, nil), 200, "filter")
	if got := strings.Join(listed(r, "groups", "display_name"), ","); got != "all,ops" || r.body["total_results"] != float64(2) {
		t.Errorf("filtered = %s", r.raw)
	}
	for q, detail := range map[string]string{
		"filter=" + url.QueryEscape(`displayName eq`): "filter",
		"filter=" + url.QueryEscape(`nosuch eq "x"`):  "nosuch",
		"count=many":                           "count",
		"startIndex=" + url.QueryEscape("1.5"): "startIndex",
	} {
		r := e.want(e.do("GET", groups+"?"+q, auditor, nil), 400, "bad list "+q)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, detail) {
			t.Errorf("bad list %s: detail %q does not mention %s", q, d, detail)
		}
	}

	// Get: the group without members.
	r = e.want(e.do("GET", groups+"/"+ids["eng"], auditor, nil), 200, "get eng")
	if r.body["id"] != ids["eng"] || r.body["display_name"] != "eng" || r.body["external_id"] != "ext-eng" || r.body["version"] != float64(1) ||
		r.body["attributes"].(map[string]any)["displayName"] != "eng" || strings.Contains(string(r.raw), `"members"`) {
		t.Errorf("get eng = %s", r.raw)
	}

	// Members, paged in member-ID order.
	members := func(group, query string) response {
		t.Helper()
		return e.want(e.do("GET", groups+"/"+ids[group]+"/members"+query, auditor, nil), 200, "members of "+group+query)
	}
	eng := sortedIDs("u1", "u2", "u3")
	r = members("eng", "")
	if got := listed(r, "members", "value"); !slices.Equal(got, eng) || r.body["total_results"] != float64(3) || r.body["count"] != float64(3) {
		t.Errorf("members of eng = %s, want %v", r.raw, eng)
	}
	if types := listed(r, "members", "type"); strings.Join(types, ",") != "User,User,User" {
		t.Errorf("member types = %v", types)
	}
	r = members("eng", "?count=2")
	if got := listed(r, "members", "value"); !slices.Equal(got, eng[:2]) || r.body["total_results"] != float64(3) {
		t.Errorf("first page of eng = %s", r.raw)
	}
	r = members("eng", "?count=2&startIndex=3")
	if got := listed(r, "members", "value"); !slices.Equal(got, eng[2:]) || r.body["start_index"] != float64(3) {
		t.Errorf("second page of eng = %s", r.raw)
	}
	r = members("eng", "?startIndex=4")
	if len(listed(r, "members", "value")) != 0 || r.body["total_results"] != float64(3) {
		t.Errorf("past the end of eng = %s", r.raw)
	}
	r = members("eng", "?count=0")
	if len(listed(r, "members", "value")) != 0 || r.body["total_results"] != float64(3) || r.body["members"] == nil {
		t.Errorf("count 0 of eng = %s", r.raw)
	}
	r = members("all", "")
	if got := listed(r, "members", "value"); !slices.Equal(got, []string{ids["eng"]}) || listed(r, "members", "type")[0] != "Group" ||
		listed(r, "members", "display")[0] != "eng" {
		t.Errorf("members of all = %s", r.raw)
	}
	if r = members("ops", ""); r.body["total_results"] != float64(0) || len(listed(r, "members", "value")) != 0 {
		t.Errorf("members of ops = %s", r.raw)
	}
	e.want(e.do("GET", groups+"/"+ids["eng"]+"/members?count=x", auditor, nil), 400, "members, bad count")

	// Add and remove.
	add := func(tok, group string, members ...map[string]any) response {
		t.Helper()
		return e.do("POST", groups+"/"+group+"/members", tok, map[string]any{"members": members})
	}
	m := func(value, typ string) map[string]any {
		if typ == "" {
			return map[string]any{"value": value}
		}
		return map[string]any{"value": value, "type": typ}
	}
	r = e.want(add(acmeAdmin, ids["eng"], m(ids["u4"], "User"), m(ids["u5"], ""), m(ids["u1"], "user")), 200, "add u4, u5 and u1 again")
	if r.body["id"] != ids["eng"] || r.body["version"] != float64(2) {
		t.Errorf("after add = %s", r.raw)
	}
	if r = members("eng", ""); !slices.Equal(listed(r, "members", "value"), sortedIDs("u1", "u2", "u3", "u4", "u5")) {
		t.Errorf("members after add = %s", r.raw)
	}
	e.want(add(platform, ids["ops"], m(ids["eng"], "Group")), 200, "add eng to ops")
	e.want(e.do("DELETE", groups+"/"+ids["eng"]+"/members/"+ids["u1"], acmeAdmin, nil), 204, "remove u1")
	e.want(e.do("DELETE", groups+"/"+ids["eng"]+"/members/"+ids["u1"], acmeAdmin, nil), 204, "remove u1 again")
	e.want(e.do("DELETE", groups+"/"+ids["eng"]+"/members/not-a-member", platform, nil), 204, "remove a non-member")
	if r = members("eng", ""); !slices.Equal(listed(r, "members", "value"), sortedIDs("u2", "u3", "u4", "u5")) || r.body["total_results"] != float64(4) {
		t.Errorf("members after remove = %s", r.raw)
	}
	code, scimGroup := scimJSON(t, e, "GET", "/tenants/acme/scim/v2/Groups/"+ids["eng"], tokens["acme"], "")
	if list, _ := scimGroup["members"].([]any); code != 200 || len(list) != 4 {
		t.Errorf("SCIM sees eng as %d %v", code, scimGroup)
	}

	// Refused members: 400 with a detail, nothing changed. (Removing a
	// non-member above bumped the version: storage counts any member edit
	// as a change.)
	version := e.want(e.do("GET", groups+"/"+ids["eng"], auditor, nil), 200, "eng before refused adds").body["version"]
	refused := map[string]struct {
		body   any
		detail string
	}{
		"unknown id":     {map[string]any{"members": []any{m("no-such-id", "")}}, "no-such-id"},
		"unknown user":   {map[string]any{"members": []any{m(ids["u2"], "User"), m("nobody", "User")}}, "nobody"},
		"wrong type":     {map[string]any{"members": []any{m(ids["u2"], "Group")}}, ids["u2"]},
		"other tenant's": {map[string]any{"members": []any{m(ids["zed"], "")}}, ids["zed"]},
		"itself":         {map[string]any{"members": []any{m(ids["eng"], "Group")}}, "itself"},
		"cycle":          {map[string]any{"members": []any{m(ids["all"], "Group")}}, "cycle"},
		"cycle via ops":  {map[string]any{"members": []any{m(ids["ops"], "")}}, "cycle"},
		"bad type":       {map[string]any{"members": []any{m(ids["u2"], "Robot")}}, "type"},
		"no value":       {map[string]any{"members": []any{map[string]any{"type": "User"}}}, "value"},
		"no members":     {map[string]any{"members": []any{}}, "members"},
		"unknown field":  {map[string]any{"members": []any{m(ids["u2"], "")}, "extra": true}, "extra"},
		"not JSON":       {"{", "JSON"},
		"member not obj": {`{"members":["x"]}`, "members holds a string where an object is expected"},
		"two objects":    {`{"members":[{"value":"x"}]} {}`, "one JSON object"},
	}
	for name, c := range refused {
		r := e.want(e.do("POST", groups+"/"+ids["eng"]+"/members", acmeAdmin, c.body), 400, "add: "+name)
		if d, _ := r.body["detail"].(string); !strings.Contains(d, c.detail) {
			t.Errorf("add %s: detail %q does not mention %q", name, d, c.detail)
		}
	}
	e.want(e.do("POST", groups+"/"+ids["eng"]+"/members", acmeAdmin, `{"members":[{"value":"`+strings.Repeat("x", 1<<20)+`"}]}`), 413, "add: huge body")
	r = e.want(e.do("GET", groups+"/"+ids["eng"], auditor, nil), 200, "eng after refused adds")
	if r.body["version"] != version {
		t.Errorf("refused adds changed eng: %s", r.raw)
	}
	if r = members("eng", ""); r.body["total_results"] != float64(4) {
		t.Errorf("refused adds changed eng's members: %s", r.raw)
	}

	// Missing groups, and another tenant's group through acme: 404.
	for name, id := range map[string]string{"unknown": "no-such-id", "beta's": ids["bgrp"], "a user": ids["u2"]} {
		e.want(e.do("GET", groups+"/"+id, platform, nil), 404, "get "+name+" group")
		e.want(e.do("GET", groups+"/"+id+"/members", platform, nil), 404, "members of "+name+" group")
		e.want(add(platform, id, m(ids["u2"], "")), 404, "add to "+name+" group")
		e.want(e.do("DELETE", groups+"/"+id+"/members/"+ids["u2"], platform, nil), 404, "remove from "+name+" group")
	}
	e.want(e.do("GET", "/admin/v1/tenants/nosuch/groups", platform, nil), 404, "list, missing tenant")
	e.want(e.do("POST", "/admin/v1/tenants/nosuch/groups/x/members", platform, map[string]any{"members": []any{m("a", "")}}), 404, "add, missing tenant")

	// Roles: auditors read only; tenant admins their tenants only.
	reads := []string{"/groups", "/groups/{g}", "/groups/{g}/members"}
	for _, p := range reads {
		acme := "/admin/v1/tenants/acme" + strings.ReplaceAll(p, "{g}", ids["eng"])
		beta := "/admin/v1/tenants/beta" + strings.ReplaceAll(p, "{g}", ids["bgrp"])
		e.want(e.do("GET", beta, acmeAdmin, nil), 403, "tenant admin reads beta "+p)
		e.want(e.do("GET", beta, auditor, nil), 403, "auditor reads beta "+p)
		e.want(e.do("GET", "/admin/v1/tenants/nosuch"+p, acmeAdmin, nil), 403, "tenant admin reads nosuch "+p)
		e.want(e.do("GET", acme, noRole, nil), 403, "no role reads "+p)
		e.want(e.do("GET", acme, "", nil), 401, "no token reads "+p)
		e.want(e.do("GET", acme, acmeAdmin, nil), 200, "tenant admin reads "+p)
		e.want(e.do("GET", beta, platform, nil), 200, "platform admin reads beta "+p)
	}
	type write struct{ method, path string }
	writes := func(tenant, group, member string) []write {
		base := "/admin/v1/tenants/" + tenant + "/groups/" + group + "/members"
		return []write{{"POST", base}, {"DELETE", base + "/" + member}}
	}
	body := func(member string) any { return map[string]any{"members": []any{m(member, "")}} }
	for _, w := range writes("acme", ids["ops"], ids["eng"]) {
		e.want(e.do(w.method, w.path, auditor, body(ids["u2"])), 403, "auditor "+w.method)
		e.want(e.do(w.method, w.path, noRole, body(ids["u2"])), 403, "no role "+w.method)
		e.want(e.do(w.method, w.path, "", body(ids["u2"])), 401, "no token "+w.method)
	}
	for _, w := range writes("beta", ids["bgrp"], ids["zed"]) {
		e.want(e.do(w.method, w.path, acmeAdmin, body(ids["zed"])), 403, "tenant admin "+w.method+" in beta")
		e.want(e.do(w.method, w.path, auditor, body(ids["zed"])), 403, "auditor "+w.method+" in beta")
	}
	r = e.want(e.do("GET", groups+"/"+ids["ops"]+"/members", platform, nil), 200, "ops after refused writes")
	if !slices.Equal(listed(r, "members", "value"), []string{ids["eng"]}) {
		t.Errorf("a refused write changed ops: %s", r.raw)
	}
	r = e.want(e.do("GET", "/admin/v1/tenants/beta/groups/"+ids["bgrp"]+"/members", platform, nil), 200, "bgrp after refused writes")
	if !slices.Equal(listed(r, "members", "value"), []string{ids["zed"]}) {
		t.Errorf("a refused write changed bgrp: %s", r.raw)
	}
	r = e.want(e.do("PUT", groups+"/"+ids["eng"]+"/members", platform, nil), 405, "PUT members")
	if allow := r.header.Get("Allow"); allow != "GET, HEAD, POST" {
		t.Errorf("Allow = %q, want GET, HEAD, POST", allow)
	}
}
