package scimtest

// The suite is a black-box replay of what Microsoft Entra ID and Okta send
// to a SCIM service provider, plus the RFC 7643/7644/9865 edge cases they
// depend on. It talks to a live server over HTTP and knows nothing of its
// implementation. Every top-level identifier of these files starts with
// "http" (or is a method of an http* type), a convention kept from when the
// storage suite shared the package.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A Target is one tenant of a live SCIM service provider.
type Target struct {
	BaseURL string       // tenant's SCIM base, no trailing slash
	Token   string       // bearer token of the tenant
	Client  *http.Client // nil means a client with a 30-second timeout (never http.DefaultClient)
	// Revoke revokes Token's credential, as an operator would (through the
	// store or the CLI); the suite then expects the next request with it,
	// once RevokeBound has passed, to be refused.
	Revoke func(t *testing.T)
	// RevokeBound is how long the server may still accept a credential
	// that Revoke revoked: zero when Revoke goes through the server's own
	// store, storage.AuthCacheTTL when it goes through another process.
	RevokeBound time.Duration
}

// RunHTTPTests replays what Entra ID and Okta send, plus RFC 7644 edge
// cases, against live targets. newTarget must return a fresh, EMPTY tenant
// on every call; every subtest calls it at least once (the tenant-isolation
// tests twice), and several subtests assert exact counts.
//
// The suite holds a server to the whole feature set scimd promises: PATCH,
// filters, sorting, ETags, index and RFC 9865 cursor pagination, /.search.
// The ServiceProviderConfig subtest additionally checks that what the
// server advertises is what it does, including features it says it lacks.
// In short mode (go test -short) the check of filter.maxResults, which may
// create up to 1,001 users, is skipped.
func RunHTTPTests(t *testing.T, newTarget func(t *testing.T) Target) {
	tests := []struct {
		name string
		run  func(t *testing.T, tg Target)
	}{
		// Entra ID (testdata/idp-requests.md, E1–E29).
		{"EntraTestConnection", httpTestEntraTestConnection},
		{"EntraUserLifecycle", httpTestEntraUserLifecycle},
		{"EntraNullLadenCreate", httpTestEntraNullLadenCreate},
		{"EntraPathlessPatch", httpTestEntraPathlessPatch},
		{"EntraManager", httpTestEntraManager},
		{"EntraNullUpdate", httpTestEntraNullUpdate},
		{"EntraGroupLifecycle", httpTestEntraGroupLifecycle},
		{"EntraPagination", httpTestEntraPagination},
		// Okta (O1–O19).
		{"OktaUserLifecycle", httpTestOktaUserLifecycle},
		{"OktaGroupLifecycle", httpTestOktaGroupLifecycle},
		{"OktaSpecTest", httpTestOktaSpecTest},
		// Behaviors both IdPs rely on, and RFC 7644 edge cases.
		{"ErrorBodies", httpTestErrorBodies},
		{"MalformedRequests", httpTestMalformedRequests},
		{"PatchErrors", httpTestPatchErrors},
		{"Uniqueness", httpTestUniqueness},
		{"ReadOnlyAndUnknownInput", httpTestReadOnlyAndUnknownInput},
		{"AttributeNameCase", httpTestAttributeNameCase},
		{"ContentTypes", httpTestContentTypes},
		{"UnknownQueryParameters", httpTestUnknownQueryParameters},
		{"Filters", httpTestFilters},
		{"InvalidFilters", httpTestInvalidFilters},
		{"EscapedStrings", httpTestEscapedStrings},
		{"AttributeProjection", httpTestAttributeProjection},
		{"Sorting", httpTestSorting},
		{"MultiValuedSorting", httpTestMultiValuedSorting},
		{"IndexPagination", httpTestIndexPagination},
		{"CursorPagination", httpTestCursorPagination},
		{"Search", httpTestSearch},
		{"ListRepresentations", httpTestListRepresentations},
		{"GroupRepresentations", httpTestGroupRepresentations},
		{"WriteAnswers", httpTestWriteAnswers},
		{"EmptyAttributes", httpTestEmptyAttributes},
		{"ETags", httpTestETags},
		{"Discovery", httpTestDiscovery},
		{"Authentication", httpTestAuthentication},
		{"Revocation", httpTestRevocation},
		{"TenantIsolation", func(t *testing.T, tg Target) { httpTestTenantIsolation(t, tg, newTarget(t)) }},
		{"TenantPathExact", httpTestTenantPathExact},
		{"IDsExact", httpTestIDsExact},
		{"ServiceProviderConfigTellsTheTruth", httpTestServiceProviderConfigTruth},
		// Concurrency: racing writers leave what a serial run would.
		{"ConcurrentCreate", httpTestConcurrentCreate},
		{"ConcurrentMemberAdds", httpTestConcurrentMemberAdds},
		{"ConcurrentIfMatch", httpTestConcurrentIfMatch},
		{"MemberRaceUserDelete", httpTestMemberRaceUserDelete},
		{"MemberRaceGroupDelete", httpTestMemberRaceGroupDelete},
		// The request layer: UTF-8, preconditions, HEAD, media types.
		{"Preconditions", httpTestPreconditions},
		{"InvalidUTF8", httpTestInvalidUTF8},
		{"BodyMediaTypes", httpTestBodyMediaTypes},
		{"Head", httpTestHead},
		{"Routes", httpTestRoutes},
		// scimd's own features.
		{"NestedGroups", httpTestNestedGroups},
		{"Apps", httpTestApps},
		// The scimd User extension: lifecycle and profile.
		{"LifecycleStatus", httpTestLifecycleStatus},
		{"ContactVerification", httpTestContactVerification},
		{"Profile", httpTestProfile},
		{"Credentials", httpTestCredentials},
		{"Aliases", httpTestAliases},
		{"Tags", httpTestTags},
		{"Delegates", httpTestDelegates},
		{"LinkedIdentities", httpTestLinkedIdentities},
		{"ScimdDiscovery", httpTestScimdDiscovery},
		// Value rules of user writes.
		{"PrimaryValues", httpTestPrimaryValues},
		{"StatusRemoval", httpTestStatusRemoval},
		{"PreferredLanguage", httpTestPreferredLanguage},
		{"EmailValues", httpTestEmailValues},
		{"MultiValueLimit", httpTestMultiValueLimit},
		{"ServiceProviderConfigMembers", httpTestSPCMembers},
		// Errors that say what to fix.
		{"BadBodies", httpTestBadBodies},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			tg := newTarget(t)
			if tg.BaseURL == "" || strings.HasSuffix(tg.BaseURL, "/") {
				t.Fatalf("newTarget returned BaseURL %q: want a non-empty URL without a trailing slash", tg.BaseURL)
			}
			test.run(t, tg)
		})
	}
}

// --- schema URNs --------------------------------------------------------------

const (
	httpURNUser        = "urn:ietf:params:scim:schemas:core:2.0:User"
	httpURNEnterprise  = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	httpURNGroup       = "urn:ietf:params:scim:schemas:core:2.0:Group"
	httpURNADGroup     = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
	httpURNSPC         = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	httpURNResType     = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	httpURNSchema      = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	httpURNList        = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	httpURNError       = "urn:ietf:params:scim:api:messages:2.0:Error"
	httpURNPatchOp     = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	httpURNSearch      = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	httpURNBulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
	httpURNBulkResp    = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
)

// httpMediaSCIM is the media type of every SCIM response body (RFC 7644 §8.1).
const httpMediaSCIM = "application/scim+json"

// Header sets of the two IdPs. An empty value removes the header; an empty
// User-Agent sends none (Entra may omit it).
var (
	httpEntraHeaders = map[string]string{
		"Content-Type": "application/scim+json",
		"User-Agent":   "",
	}
	httpOktaHeaders = map[string]string{
		"Content-Type":   "application/scim+json; charset=utf-8",
		"Accept":         "application/scim+json",
		"Accept-Charset": "utf-8",
		"User-Agent":     "Okta SCIM Client 1.0.0",
	}
	// httpOktaSpecHeaders are those of Okta's SPEC test collection.
	httpOktaSpecHeaders = map[string]string{
		"Content-Type":   "application/scim+json; charset=utf-8",
		"Accept":         "application/scim+json",
		"Accept-Charset": "utf-8",
		"User-Agent":     "OKTA SCIM Integration",
	}
	// httpOktaPostHeaders are those Okta's SPEC test sends on POST /Users.
	httpOktaPostHeaders = map[string]string{
		"Content-Type": "application/json",
		"Accept":       "application/scim+json; charset=utf-8",
		"User-Agent":   "Okta SCIM Client 1.0.0",
	}
)

// --- client --------------------------------------------------------------------

// An httpClient sends requests to one tenant with its bearer token. Paths
// are relative to the tenant's SCIM base ("/Users?filter=...").
type httpClient struct {
	t     *testing.T
	ctx   context.Context // the test's, captured so that send may run on other goroutines
	base  string
	token string
	hc    *http.Client
}

func httpNewClient(t *testing.T, tg Target) *httpClient {
	hc := tg.Client
	if hc == nil {
		hc = &http.Client{
			Timeout: 30 * time.Second,
			// A redirect is an answer to check, not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &httpClient{t: t, ctx: t.Context(), base: tg.BaseURL, token: tg.Token, hc: hc}
}

// An httpResp is a response, read in full. Body is the decoded JSON object
// (nil when the body is empty, not JSON or not an object); numbers are
// json.Number so that integers can be told from floats.
type httpResp struct {
	t      *testing.T
	Method string
	Path   string
	Status int
	Header http.Header
	Raw    []byte
	Doc    any            // any decoded JSON value
	Body   map[string]any // Doc when it is an object
}

// do sends one request. body is nil (no body), a string or []byte (sent
// verbatim) or any other value (JSON-encoded). hdr overrides the defaults
// (Authorization: Bearer <token>, Accept: application/scim+json and, with a
// body, Content-Type: application/scim+json); an empty value removes a
// header. A transport error fails the test at once. Every non-empty
// response body must be JSON of media type application/scim+json.
func (c *httpClient) do(method, path string, body any, hdr map[string]string) *httpResp {
	c.t.Helper()
	status, header, raw, err := c.send(method, path, body, hdr)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return c.decode(method, path, hdr, status, header, raw)
}

// decode makes an httpResp of a response that send returned, with the checks
// of do. It must run on the test's goroutine.
func (c *httpClient) decode(method, path string, hdr map[string]string, status int, header http.Header, raw []byte) *httpResp {
	c.t.Helper()
	r := &httpResp{t: c.t, Method: method, Path: path, Status: status, Header: header, Raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&r.Doc); err != nil {
			c.t.Errorf("%s: the body is not JSON: %v", r, err)
		} else {
			r.Body, _ = r.Doc.(map[string]any)
		}
		accept := hdr["Accept"]
		r.checkContentType(strings.HasPrefix(accept, "application/json"))
	}
	return r
}

// send is do without a test: it may run on any goroutine.
func (c *httpClient) send(method, path string, body any, hdr map[string]string) (int, http.Header, []byte, error) {
	var rd io.Reader
	hasBody := body != nil
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("test bug: cannot encode the body: %w", err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("test bug: %w", err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Accept", httpMediaSCIM)
	if hasBody {
		req.Header.Set("Content-Type", httpMediaSCIM)
	}
	for k, v := range hdr {
		switch {
		case v != "":
			req.Header.Set(k, v)
		case http.CanonicalHeaderKey(k) == "User-Agent":
			req.Header.Set("User-Agent", "") // net/http then sends no User-Agent
		default:
			req.Header.Del(k)
		}
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the response: %w", err)
	}
	return res.StatusCode, res.Header, raw, nil
}

func (c *httpClient) get(path string) *httpResp { c.t.Helper(); return c.do("GET", path, nil, nil) }
func (c *httpClient) post(path string, body any) *httpResp {
	c.t.Helper()
	return c.do("POST", path, body, nil)
}
func (c *httpClient) put(path string, body any) *httpResp {
	c.t.Helper()
	return c.do("PUT", path, body, nil)
}
func (c *httpClient) patch(path string, body any) *httpResp {
	c.t.Helper()
	return c.do("PATCH", path, body, nil)
}
func (c *httpClient) delete(path string) *httpResp {
	c.t.Helper()
	return c.do("DELETE", path, nil, nil)
}

// String identifies the exchange in failure messages: method, path, status
// and the start of the body.
func (r *httpResp) String() string {
	return fmt.Sprintf("%s %s → %d %s", r.Method, r.Path, r.Status, httpExcerpt(r.Raw))
}

func httpExcerpt(raw []byte) string {
	const maxExcerpt = 400
	s := strings.Join(strings.Fields(string(raw)), " ")
	if s == "" {
		return "(empty body)"
	}
	if len(s) > maxExcerpt {
		return s[:maxExcerpt] + "…"
	}
	return s
}

// checkContentType wants application/scim+json (RFC 7644 §8.1); a client
// that asked for application/json may get either.
func (r *httpResp) checkContentType(acceptJSON bool) {
	r.t.Helper()
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == httpMediaSCIM || acceptJSON && mt == "application/json") {
		return
	}
	r.t.Errorf("%s: Content-Type %q, want %s", r, ct, httpMediaSCIM)
}

// --- status and shape assertions ----------------------------------------------

// want reports whether the status is one of codes, and records an error if not.
func (r *httpResp) want(codes ...int) bool {
	r.t.Helper()
	if slices.Contains(codes, r.Status) {
		return true
	}
	r.t.Errorf("%s: want status %v", r, codes)
	return false
}

// must is want that stops the test.
func (r *httpResp) must(codes ...int) *httpResp {
	r.t.Helper()
	if !slices.Contains(codes, r.Status) {
		r.t.Fatalf("%s: want status %v", r, codes)
	}
	return r
}

// wantNoContent checks a 204 with an empty body: what PATCH and DELETE answer.
func (r *httpResp) wantNoContent() bool {
	r.t.Helper()
	if !r.want(http.StatusNoContent) {
		return false
	}
	if len(r.Raw) > 0 {
		r.t.Errorf("%s: a 204 must have no body", r)
		return false
	}
	return true
}

// wantError checks a SCIM error (RFC 7644 §3.12): the status, the Error
// schema, "status" as a string equal to the HTTP status, a non-empty detail
// and, when scimTypes are given, a scimType among them.
func (r *httpResp) wantError(status int, scimTypes ...string) bool {
	r.t.Helper()
	ok := r.want(status)
	return r.checkErrorBody(ok, status, scimTypes...)
}

func (r *httpResp) checkErrorBody(ok bool, status int, scimTypes ...string) bool {
	r.t.Helper()
	if r.Body == nil {
		r.t.Errorf("%s: want a SCIM error body", r)
		return false
	}
	if !httpHasString(r.Body["schemas"], httpURNError) {
		r.t.Errorf("%s: schemas does not contain %s", r, httpURNError)
		ok = false
	}
	switch s := r.Body["status"].(type) {
	case string:
		if s != strconv.Itoa(status) {
			r.t.Errorf("%s: error status %q, want %q", r, s, strconv.Itoa(status))
			ok = false
		}
	default:
		r.t.Errorf("%s: error status is %T %v, want the string %q", r, s, s, strconv.Itoa(status))
		ok = false
	}
	if d, _ := r.Body["detail"].(string); strings.TrimSpace(d) == "" {
		r.t.Errorf("%s: error detail is empty", r)
		ok = false
	}
	if len(scimTypes) > 0 {
		st, _ := r.Body["scimType"].(string)
		if !slices.Contains(scimTypes, st) {
			r.t.Errorf("%s: scimType %q, want one of %q", r, st, scimTypes)
			ok = false
		}
	}
	return ok
}

// wantAnyError checks a SCIM error whose status is one of statuses.
func (r *httpResp) wantAnyError(statuses ...int) bool {
	r.t.Helper()
	ok := r.want(statuses...)
	return r.checkErrorBody(ok, r.Status)
}

// An httpList is a decoded ListResponse.
type httpList struct {
	Total, StartIndex, ItemsPerPage          int
	HasTotal, HasStartIndex, HasItemsPerPage bool
	HasResources                             bool
	Resources                                []map[string]any
	NextCursor                               string
	HasNextCursor                            bool
}

// httpListMode says which ListResponse members are mandatory.
type httpListMode int

const (
	httpIndexList  httpListMode = iota // RFC 7644 index pagination: every member present
	httpCursorList                     // RFC 9865: totalResults and startIndex optional
	httpCountZero                      // count=0: Resources may be omitted
)

// mustList checks a 200 ListResponse (RFC 7644 §3.4.2): the schema, integer
// totalResults, startIndex and itemsPerPage, a Resources array (present
// even when empty), itemsPerPage equal to the number of resources returned,
// and an id in every resource. It stops the test if there is no list.
func (r *httpResp) mustList(mode httpListMode) httpList {
	r.t.Helper()
	l, ok := r.wantList(mode)
	if !ok {
		r.t.FailNow()
	}
	return l
}

// wantList is mustList that lets the test go on; ok is false when the
// response is not a 200 ListResponse object at all.
func (r *httpResp) wantList(mode httpListMode) (l httpList, ok bool) {
	r.t.Helper()
	if !r.want(http.StatusOK) {
		return l, false
	}
	if r.Body == nil {
		r.t.Errorf("%s: want a ListResponse object", r)
		return l, false
	}
	if !httpHasString(r.Body["schemas"], httpURNList) {
		r.t.Errorf("%s: schemas does not contain %s", r, httpURNList)
	}
	integer := func(name string, required bool) (int, bool) {
		v, present := r.Body[name]
		if !present {
			if required {
				r.t.Errorf("%s: %s is missing", r, name)
			}
			return 0, false
		}
		n, ok := httpInt(v)
		if !ok || n < 0 {
			r.t.Errorf("%s: %s is %T %v, want a non-negative integer", r, name, v, v)
			return 0, false
		}
		return n, true
	}
	l.Total, l.HasTotal = integer("totalResults", mode != httpCursorList)
	l.StartIndex, l.HasStartIndex = integer("startIndex", mode == httpIndexList)
	l.ItemsPerPage, l.HasItemsPerPage = integer("itemsPerPage", mode == httpIndexList)
	if l.HasStartIndex && l.StartIndex < 1 {
		r.t.Errorf("%s: startIndex %d, want ≥ 1", r, l.StartIndex)
	}
	res, present := r.Body["Resources"]
	l.HasResources = present
	switch arr := res.(type) {
	case []any:
		for i, e := range arr {
			m, ok := e.(map[string]any)
			if !ok {
				r.t.Errorf("%s: Resources[%d] is %T, want an object", r, i, e)
				continue
			}
			if id, _ := m["id"].(string); id == "" {
				r.t.Errorf("%s: Resources[%d] has no id", r, i)
			}
			l.Resources = append(l.Resources, m)
		}
	case nil:
		if present {
			r.t.Errorf("%s: Resources is null, want an array", r)
		} else if mode != httpCountZero {
			r.t.Errorf("%s: Resources is missing; it must be present, [] when empty", r)
		}
	default:
		r.t.Errorf("%s: Resources is %T, want an array", r, res)
	}
	if l.HasItemsPerPage && l.ItemsPerPage != len(l.Resources) {
		r.t.Errorf("%s: itemsPerPage %d, but %d resources returned", r, l.ItemsPerPage, len(l.Resources))
	}
	if l.HasTotal && len(l.Resources) > l.Total {
		r.t.Errorf("%s: %d resources returned, more than totalResults %d", r, len(l.Resources), l.Total)
	}
	if v, ok := r.Body["nextCursor"]; ok {
		l.NextCursor, _ = v.(string)
		l.HasNextCursor = true
		if l.NextCursor == "" {
			r.t.Errorf("%s: nextCursor is %T %v, want a non-empty string (or no nextCursor on the last page)", r, v, v)
		}
	}
	return l, true
}

// ids returns the ids of the resources, in order.
func (l httpList) ids() []string {
	out := make([]string, 0, len(l.Resources))
	for _, m := range l.Resources {
		id, _ := m["id"].(string)
		out = append(out, id)
	}
	return out
}

// wantIDs checks that the list holds exactly want, in any order.
func (l httpList) wantIDs(t *testing.T, r *httpResp, want ...string) bool {
	t.Helper()
	got := httpSorted(l.ids())
	if !slices.Equal(got, httpSorted(want)) {
		t.Errorf("%s: ids %v, want %v", r, got, httpSorted(want))
		return false
	}
	if l.HasTotal && l.Total != len(want) {
		t.Errorf("%s: totalResults %d, want %d", r, l.Total, len(want))
		return false
	}
	return true
}

// --- resource helpers -------------------------------------------------------------

// wantCreated checks a 201 answer to POST /Users or /Groups (RFC 7644 §3.3):
// an id, the core schema, meta.resourceType, meta.created and
// meta.lastModified, a meta.location that names the new resource, the same
// URL in the Location header, and, when meta.version is given, an equal
// ETag header. It returns the id.
func (r *httpResp) mustCreated(resourceType string) string {
	r.t.Helper()
	r.must(http.StatusCreated)
	if r.Body == nil {
		r.t.Fatalf("%s: want the created resource in the body", r)
	}
	id, _ := r.Body["id"].(string)
	if id == "" {
		r.t.Fatalf("%s: the created resource has no id", r)
	}
	r.checkResource(resourceType, id)
	loc, _ := httpAt(r.Body, "meta", "location").(string)
	if h := r.Header.Get("Location"); h == "" {
		r.t.Errorf("%s: no Location header (RFC 7644 §3.3)", r)
	} else if loc != "" && h != loc {
		r.t.Errorf("%s: Location header %q differs from meta.location %q", r, h, loc)
	}
	return id
}

// checkResource checks what every returned User or Group carries: its id,
// its core schema, and meta.
func (r *httpResp) checkResource(resourceType, id string) {
	r.t.Helper()
	if got, _ := r.Body["id"].(string); got != id {
		r.t.Errorf("%s: id %q, want %q", r, got, id)
	}
	core, endpoint := httpURNUser, "/Users/"
	if resourceType == "Group" {
		core, endpoint = httpURNGroup, "/Groups/"
	}
	if !httpHasString(r.Body["schemas"], core) {
		r.t.Errorf("%s: schemas does not contain %s", r, core)
	}
	if rt, _ := httpAt(r.Body, "meta", "resourceType").(string); rt != resourceType {
		r.t.Errorf("%s: meta.resourceType %q, want %q", r, rt, resourceType)
	}
	for _, k := range []string{"created", "lastModified"} {
		s, _ := httpAt(r.Body, "meta", k).(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			r.t.Errorf("%s: meta.%s %q is not an RFC 3339 date-time", r, k, s)
		}
	}
	if loc, _ := httpAt(r.Body, "meta", "location").(string); !strings.HasSuffix(loc, endpoint+id) {
		r.t.Errorf("%s: meta.location %q, want a URL ending in %s%s", r, loc, endpoint, id)
	}
	if v, ok := httpAt(r.Body, "meta", "version").(string); ok {
		if et := r.Header.Get("ETag"); et != "" && et != v {
			r.t.Errorf("%s: ETag header %q differs from meta.version %q", r, et, v)
		}
	}
	if _, ok := r.Body["password"]; ok {
		r.t.Errorf("%s: the response carries a password (returned: never)", r)
	}
}

// mustGet reads a resource and checks it is the one asked for.
func (c *httpClient) mustGet(resourceType, id string) map[string]any {
	c.t.Helper()
	endpoint := "/Users/"
	if resourceType == "Group" {
		endpoint = "/Groups/"
	}
	r := c.get(endpoint + id).must(http.StatusOK)
	if r.Body == nil {
		c.t.Fatalf("%s: want a resource object", r)
	}
	r.checkResource(resourceType, id)
	return r.Body
}

// wantGone checks that a deleted resource answers 404 with a SCIM error.
func (c *httpClient) wantGone(path string) {
	c.t.Helper()
	c.get(path).wantError(http.StatusNotFound)
}

// createUser posts a minimal user and returns its id.
func (c *httpClient) createUser(userName string, extra map[string]any) string {
	c.t.Helper()
	body := map[string]any{"schemas": []string{httpURNUser}, "userName": userName}
	for k, v := range extra {
		body[k] = v
	}
	return c.post("/Users", body).mustCreated("User")
}

// createGroup posts a group with the given member ids and returns its id.
func (c *httpClient) createGroup(displayName string, members ...string) string {
	c.t.Helper()
	ms := make([]map[string]any, 0, len(members))
	for _, m := range members {
		ms = append(ms, map[string]any{"value": m})
	}
	body := map[string]any{"schemas": []string{httpURNGroup}, "displayName": displayName, "members": ms}
	return c.post("/Groups", body).mustCreated("Group")
}

// httpPatchOp builds a PatchOp request from operations.
func httpPatchOp(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{httpURNPatchOp}, "Operations": ops}
}

// memberIDs returns the values of a group's members, sorted.
func httpMemberIDs(group map[string]any) []string {
	var out []string
	ms, _ := group["members"].([]any)
	for _, m := range ms {
		if v, ok := httpAt(m, "value").(string); ok {
			out = append(out, v)
		}
	}
	return httpSorted(out)
}

// wantMembers checks a group's exact membership.
func (c *httpClient) wantMembers(what, groupID string, want ...string) {
	c.t.Helper()
	g := c.mustGet("Group", groupID)
	if got := httpMemberIDs(g); !slices.Equal(got, httpSorted(want)) {
		c.t.Errorf("%s: GET /Groups/%s members %v, want %v", what, groupID, got, httpSorted(want))
	}
}

// --- JSON helpers ---------------------------------------------------------------

// httpAt walks doc by object keys (string) and array indices (int). URN
// keys contain dots, so a path is a list of keys rather than a dotted string.
func httpAt(doc any, path ...any) any {
	cur := doc
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[k]
		case int:
			a, ok := cur.([]any)
			if !ok || k < 0 || k >= len(a) {
				return nil
			}
			cur = a[k]
		default:
			panic(fmt.Sprintf("httpAt: key of type %T", p))
		}
	}
	return cur
}

// httpHas reports whether the key path exists (even with a null value).
func httpHas(doc any, path ...any) bool {
	if len(path) == 0 {
		return true
	}
	parent := httpAt(doc, path[:len(path)-1]...)
	switch k := path[len(path)-1].(type) {
	case string:
		m, ok := parent.(map[string]any)
		if !ok {
			return false
		}
		_, ok = m[k]
		return ok
	case int:
		a, ok := parent.([]any)
		return ok && k >= 0 && k < len(a)
	}
	return false
}

// httpInt reads an integral JSON number.
func httpInt(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n.String())
	return i, err == nil
}

// httpHasString reports whether v is an array that contains s.
func httpHasString(v any, s string) bool {
	a, _ := v.([]any)
	for _, e := range a {
		if e == s {
			return true
		}
	}
	return false
}

// httpEmpty reports whether an attribute is unassigned: absent, null, "" or [] (RFC 7643 §2.5).
func httpEmpty(doc map[string]any, path ...any) bool {
	switch v := httpAt(doc, path...).(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// httpTyped finds the element of a multi-valued attribute with the given type.
func httpTyped(doc map[string]any, attr, typ string) map[string]any {
	a, _ := doc[attr].([]any)
	for _, e := range a {
		m, _ := e.(map[string]any)
		if m != nil && m["type"] == typ {
			return m
		}
	}
	return nil
}

// httpNulls lists the paths of null values in a document.
func httpNulls(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		out = append(out, path)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, httpNulls(x[k], path+"."+k)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, httpNulls(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

func httpSorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// httpQuery encodes query parameters in order, percent-encoding spaces as
// %20 (as Okta and Entra do; '+' is tested on purpose elsewhere).
func httpQuery(kv ...string) string {
	if len(kv)%2 != 0 {
		panic("httpQuery: odd number of arguments")
	}
	var b strings.Builder
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(kv[i+1]), "+", "%20"))
	}
	return "?" + b.String()
}

// httpFilter is "?filter=<f>" with f percent-encoded.
func httpFilter(f string, more ...string) string {
	return httpQuery(append([]string{"filter", f}, more...)...)
}

// httpFill substitutes {{name}} placeholders in a JSON template, so that
// the IdPs' bodies can be written here exactly as they are sent.
func httpFill(t *testing.T, tmpl string, kv ...string) string {
	t.Helper()
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, "{{"+kv[i]+"}}", kv[i+1])
	}
	s := strings.NewReplacer(pairs...).Replace(tmpl)
	if strings.Contains(s, "{{") {
		t.Fatalf("test bug: unfilled placeholder in %s", s)
	}
	if !json.Valid([]byte(s)) {
		t.Fatalf("test bug: template is not JSON: %s", s)
	}
	return s
}

// httpRandom returns n random hex characters.
func httpRandom(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// httpGUID returns a random GUID, as Entra generates them.
func httpGUID() string {
	h := httpRandom(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
