package directory

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // timezone names validate the same on every host

	"github.com/scimd/scimd/schemas"
)

// stampFormat renders the timestamps scimd sets in users' documents
// (statusChangedAt, sessionsValidAfter, ...): RFC 3339 in UTC with
// milliseconds.
const stampFormat = "2006-01-02T15:04:05.000Z07:00"

func stamp(t time.Time) string { return t.UTC().Format(stampFormat) }

// A userWrite says which request a user's new document comes from.
type userWrite int

const (
	writeCreate  userWrite = iota // POST: no stored document
	writeReplace                  // PUT: the body replaces the document
	writePatch                    // PATCH: the document is the stored one, patched
)

// serverManaged are the scimd User extension's read-only attributes: only
// scimd sets them, and every write keeps them.
var serverManaged = []string{
	schemas.AttrStatusChangedAt, schemas.AttrLastLoginAt, schemas.AttrPasswordUpdatedAt, schemas.AttrSessionsValidAfter,
}

// prepareUser completes and checks a user's new document before it is
// stored, against the stored one (prev, nil on create): lifecycle status
// and active, verification of emails and phone numbers, profile values, the
// password policy (minPassword characters at least) and tags. It changes
// doc in place; doc must not share maps or slices with prev. Its errors are
// *Error values; nothing is written.
func prepareUser(doc, prev map[string]any, w userWrite, now time.Time, minPassword int) error {
	prevExt, _ := prev[schemas.ScimdUserURN].(map[string]any)
	ext, hasExt := doc[schemas.ScimdUserURN].(map[string]any)
	switch {
	case w == writeReplace && !hasExt:
		// A PUT that does not know the extension (clients that PUT whole
		// users, such as Okta's AIW apps) keeps it, as it keeps metadata
		// and the password.
		ext = deepCopyMap(prevExt)
	case !hasExt:
		ext = map[string]any{}
	}
	for _, k := range serverManaged {
		delete(ext, k)
		if v, ok := prevExt[k]; ok {
			ext[k] = v
		}
	}
	if w == writeReplace && hasExt && ext[schemas.AttrStatus] == nil && prevExt[schemas.AttrStatus] != nil {
		ext[schemas.AttrStatus] = prevExt[schemas.AttrStatus] // a PUT without status keeps it
	}
	if w == writePatch {
		if err := statusRemoved(doc, prev, ext, prevExt, hasExt); err != nil {
			return err
		}
	}
	if err := checkPrimaries(doc, prev); err != nil {
		return err
	}
	if err := applyStatus(doc, ext, prev, now); err != nil {
		return err
	}
	for _, attr := range []string{"emails", "phoneNumbers"} {
		if err := verification(doc, prev, attr, now); err != nil {
			return err
		}
	}
	if err := checkProfile(doc, prev, ext, prevExt); err != nil {
		return err
	}
	if err := passwordPolicy(doc, prev, ext, now, minPassword); err != nil {
		return err
	}
	if err := checkTags(ext); err != nil {
		return err
	}
	if err := checkDelegates(ext); err != nil {
		return err
	}
	if len(ext) > 0 {
		doc[schemas.ScimdUserURN] = ext
	} else {
		delete(doc, schemas.ScimdUserURN)
	}
	return nil
}

// StatusOf returns a user's lifecycle status: the scimd User extension's
// status, or for a document stored before scimd kept one, the status its
// active attribute implies (absent or true: active).
func StatusOf(doc map[string]any) string { return statusOf(doc) }

func statusOf(doc map[string]any) string {
	ext, _ := doc[schemas.ScimdUserURN].(map[string]any)
	if s, ok := ext[schemas.AttrStatus].(string); ok && s != "" {
		return strings.ToLower(s)
	}
	if a, ok := doc["active"].(bool); ok && !a {
		return schemas.StatusDeprovisioned
	}
	return schemas.StatusActive
}

var statuses = []string{schemas.StatusPending, schemas.StatusActive, schemas.StatusSuspended, schemas.StatusDeprovisioned}

// Statuses are the lifecycle statuses of a user, in lifecycle order.
func Statuses() []string { return slices.Clone(statuses) }

// allowedMoves is what the detail of a refused status change says.
const allowedMoves = "allowed changes of status are active or pending to suspended and suspended to active; " +
	"active=false deprovisions an active or pending user, active=true activates a pending, suspended or deprovisioned one"

// allowedMove reports whether status may be set from one value to
// another explicitly.
func allowedMove(from, to string) bool {
	switch to {
	case schemas.StatusSuspended:
		return from == schemas.StatusActive || from == schemas.StatusPending
	case schemas.StatusActive:
		return from == schemas.StatusSuspended
	}
	return false
}

// statusRemoved refuses a patch that removes active or status (a PATCH
// remove, a replace with null, a merge patch's null): the status model has
// no user without a status, and active follows the status, so the removal
// would change nothing while the client is told it succeeded. A patch that
// removes the whole scimd User extension keeps the status, as it keeps the
// other server-managed values.
func statusRemoved(doc, prev, ext, prevExt map[string]any, hasExt bool) error {
	if _, had := prev["active"]; had && doc["active"] == nil {
		return errActiveRemoved
	}
	if hasExt && prevExt[schemas.AttrStatus] != nil && ext[schemas.AttrStatus] == nil {
		return errStatusRemoved
	}
	return nil
}

const howToChangeStatus = "set active to false to deprovision the user or to true to activate it, or set " +
	schemas.ScimdUserURN + ":status to the status the user should have"

var (
	errActiveRemoved = refusal(Invalid, TypeMutability,
		"active cannot be removed: it follows the user's status, which every user has; "+howToChangeStatus)
	errStatusRemoved = refusal(Invalid, TypeMutability,
		schemas.ScimdUserURN+":status cannot be removed: every user has a status ("+strings.Join(statuses, ", ")+"); "+howToChangeStatus)
)

// applyStatus decides the user's status from the requested status and
// active, sets active from it, and stamps statusChangedAt and, when the
// user becomes suspended or deprovisioned, sessionsValidAfter.
func applyStatus(doc, ext, prev map[string]any, now time.Time) error {
	var asked string
	if v, ok := ext[schemas.AttrStatus]; ok && v != nil {
		s, isString := v.(string)
		s = strings.ToLower(strings.TrimSpace(s))
		if !isString || !contains(statuses, s) {
			return invalid("%s:status must be one of %s; got %s", schemas.ScimdUserURN, strings.Join(statuses, ", "), describe(v))
		}
		asked = s
	}
	active, hasActive := doc["active"].(bool)
	var status string
	if prev == nil {
		switch {
		case asked != "":
			status = asked
		case hasActive && !active:
			status = schemas.StatusDeprovisioned
		default:
			status = schemas.StatusActive
		}
	} else {
		old := statusOf(prev)
		status = old
		switch {
		case asked != "" && asked != old:
			if !allowedMove(old, asked) {
				return invalid("status cannot change from %s to %s: %s", old, asked, allowedMoves)
			}
			status = asked
		case hasActive && active != (old == schemas.StatusActive):
			if active {
				status = schemas.StatusActive
			} else if old != schemas.StatusSuspended {
				status = schemas.StatusDeprovisioned
			}
		}
		if status != old {
			ext[schemas.AttrStatusChangedAt] = stamp(now)
		}
	}
	if prev == nil {
		ext[schemas.AttrStatusChangedAt] = stamp(now)
	}
	if prev != nil && status != statusOf(prev) && (status == schemas.StatusSuspended || status == schemas.StatusDeprovisioned) {
		ext[schemas.AttrSessionsValidAfter] = stamp(now)
	}
	ext[schemas.AttrStatus] = status
	doc["active"] = status == schemas.StatusActive
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// describe names a JSON value in an error detail.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", v)
}

// moveRefused is the Conflict of an operator's status change the
// lifecycle does not allow.
func moveRefused(from, to string) *Error {
	return &Error{Kind: Conflict, Attribute: schemas.ScimdUserURN + ":" + schemas.AttrStatus,
		Detail: fmt.Sprintf("status cannot change from %s to %s: %s", from, to, allowedMoves)}
}

// changeUserStatus returns a stored user's document (cur, left unchanged)
// after an operator's status change, decided and stamped by the same rules
// as a SCIM write (applyStatus), so statusChangedAt and sessionsValidAfter
// move exactly as they do for SCIM clients:
//
//   - to schemas.StatusSuspended is a write of the scimd User extension's
//     status "suspended": allowed from active or pending;
//   - to schemas.StatusActive is a write of active=true: allowed from
//     pending, suspended or deprovisioned.
//
// changed is false, and doc nil, when the user has that status already. A
// move the rules refuse is a Conflict (moveRefused).
func changeUserStatus(cur map[string]any, to string, now time.Time) (doc map[string]any, changed bool, err error) {
	from := statusOf(cur)
	if from == to {
		return nil, false, nil
	}
	doc = deepCopyMap(cur)
	ext := scimdExt(doc)
	switch to {
	case schemas.StatusSuspended:
		if !allowedMove(from, to) {
			return nil, false, moveRefused(from, to)
		}
		ext[schemas.AttrStatus] = to
	case schemas.StatusActive:
		// As a client's active=true: the stored status stays what was
		// asked, and applyStatus reads the change from active.
		ext[schemas.AttrStatus] = from
		doc["active"] = true
	default:
		return nil, false, moveRefused(from, to)
	}
	if err := applyStatus(doc, ext, cur, now); err != nil {
		return nil, false, moveRefused(from, to)
	}
	return doc, true, nil
}

// invalidateUserSessions returns a stored user's document (cur, left
// unchanged) with the scimd User extension's sessionsValidAfter moved to
// now, as POST /Users/{id}/sessions/invalidate does: the time never moves
// backwards, so changed is false, and doc nil, when the stored time is not
// before now.
func invalidateUserSessions(cur map[string]any, now time.Time) (doc map[string]any, changed bool) {
	ext, _ := cur[schemas.ScimdUserURN].(map[string]any)
	if old, _ := ext[schemas.AttrSessionsValidAfter].(string); !laterStamp(stamp(now), old) {
		return nil, false
	}
	doc = deepCopyMap(cur)
	scimdExt(doc)[schemas.AttrSessionsValidAfter] = stamp(now)
	return doc, true
}
