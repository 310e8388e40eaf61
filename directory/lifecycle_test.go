package directory

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/scimd/scimd/schemas"
)

// TestChangeUserStatus checks the operator's status changes against the
// rules of SCIM writes, for documents with and without a stored status.
func TestChangeUserStatus(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	withStatus := func(s string) map[string]any {
		return map[string]any{"userName": "u", "active": s == schemas.StatusActive,
			schemas.ScimdUserURN: map[string]any{schemas.AttrStatus: s}}
	}
	legacyOff := map[string]any{"userName": "u", "active": false}
	cases := []struct {
		name      string
		cur       map[string]any
		to        string
		changed   bool
		refused   bool
		sessionTS bool
	}{
		{"suspend active", withStatus(schemas.StatusActive), schemas.StatusSuspended, true, false, true},
		{"suspend pending", withStatus(schemas.StatusPending), schemas.StatusSuspended, true, false, true},
		{"suspend suspended", withStatus(schemas.StatusSuspended), schemas.StatusSuspended, false, false, false},
		{"suspend deprovisioned", withStatus(schemas.StatusDeprovisioned), schemas.StatusSuspended, false, true, false},
		{"suspend legacy inactive", legacyOff, schemas.StatusSuspended, false, true, false},
		{"activate suspended", withStatus(schemas.StatusSuspended), schemas.StatusActive, true, false, false},
		{"activate pending", withStatus(schemas.StatusPending), schemas.StatusActive, true, false, false},
		{"activate deprovisioned", withStatus(schemas.StatusDeprovisioned), schemas.StatusActive, true, false, false},
		{"activate legacy inactive", legacyOff, schemas.StatusActive, true, false, false},
		{"activate active", withStatus(schemas.StatusActive), schemas.StatusActive, false, false, false},
		{"deprovision", withStatus(schemas.StatusActive), schemas.StatusDeprovisioned, false, true, false},
	}
	for _, c := range cases {
		before := deepCopyMap(c.cur)
		doc, changed, err := changeUserStatus(c.cur, c.to, now)
		if e, refused := errors.AsType[*Error](err); refused != c.refused || (err != nil && !refused) || (refused && e.Kind != Conflict) {
			t.Errorf("%s: err %v", c.name, err)
		}
		if changed != c.changed {
			t.Errorf("%s: changed %v", c.name, changed)
		}
		if !reflect.DeepEqual(before, c.cur) {
			t.Errorf("%s: the stored document was changed", c.name)
		}
		if !changed {
			continue
		}
		ext := doc[schemas.ScimdUserURN].(map[string]any)
		if StatusOf(doc) != c.to || doc["active"] != (c.to == schemas.StatusActive) || ext[schemas.AttrStatusChangedAt] != stamp(now) {
			t.Errorf("%s: doc %v", c.name, doc)
		}
		if (ext[schemas.AttrSessionsValidAfter] == stamp(now)) != c.sessionTS {
			t.Errorf("%s: sessionsValidAfter %v", c.name, ext[schemas.AttrSessionsValidAfter])
		}
	}
}

func TestInvalidateUserSessions(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	doc, changed := invalidateUserSessions(map[string]any{"userName": "u"}, now)
	if !changed || doc[schemas.ScimdUserURN].(map[string]any)[schemas.AttrSessionsValidAfter] != stamp(now) {
		t.Fatalf("first invalidation: %v %v", doc, changed)
	}
	if _, changed := invalidateUserSessions(doc, now.Add(-time.Minute)); changed {
		t.Error("sessionsValidAfter moved backwards")
	}
}
