package scimtest

import (
	"net/http"
	"testing"
	"time"
)

// httpTestRevocation checks that a revoked credential is refused, with a
// SCIM error, on its next request once the target's RevokeBound has
// passed (at once when Revoke goes through the server's own store), and
// stays refused.
func httpTestRevocation(t *testing.T, tg Target) {
	if tg.Revoke == nil {
		t.Fatal("the target cannot revoke its credential: Target.Revoke is nil")
	}
	c := httpNewClient(t, tg)
	c.createUser("revoked-"+httpRandom(6)+"@example.com", nil)
	c.get("/Users").must(http.StatusOK)
	tg.Revoke(t)
	if tg.RevokeBound > 0 {
		time.Sleep(tg.RevokeBound + 10*time.Millisecond)
	}
	c.get("/Users").wantError(http.StatusUnauthorized)
	c.post("/Users", map[string]any{"schemas": []string{httpURNUser}, "userName": "after-" + httpRandom(6)}).wantError(http.StatusUnauthorized)
	c.get("/ServiceProviderConfig").wantError(http.StatusUnauthorized)
}
