package scim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // timezone names validate the same on every host
	"unicode/utf8"

	scimerrors "github.com/elimity-com/scim/errors"
	"golang.org/x/text/language"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// DefaultPasswordMinLength is the shortest password scimd accepts unless
// Config.PasswordMinLength says otherwise.
const DefaultPasswordMinLength = 8

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

// invalid is a 400 invalidValue error.
func invalid(format string, args ...any) scimerrors.ScimError {
	return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue, fmt.Sprintf(format, args...))
}

// prepareUser completes and checks a user's new document before it is
// stored, against the stored one (prev, nil on create): lifecycle status
// and active, verification of emails and phone numbers, profile values and
// the password policy. It changes doc in place; doc must not share maps or
// slices with prev. Errors are SCIM errors that change nothing.
func (h *Handler) prepareUser(doc, prev map[string]any, w userWrite, now time.Time) error {
	return prepareUser(doc, prev, w, now, h.cfg.PasswordMinLength)
}

// prepareUser is Handler.prepareUser with the password policy's minimum
// length, for writers without a Handler (UserRules).
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
	if _, err := storage.UserTags(map[string]any{schemas.ScimdUserURN: ext}); err != nil {
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
	errActiveRemoved = errorf(http.StatusBadRequest, scimerrors.ScimTypeMutability,
		"active cannot be removed: it follows the user's status, which every user has; "+howToChangeStatus)
	errStatusRemoved = errorf(http.StatusBadRequest, scimerrors.ScimTypeMutability,
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

// deepCopyMap copies a document so that changes to the copy never reach
// the original; nil gives an empty map.
func deepCopyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return deepCopyMap(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = deepCopyValue(x)
		}
		return out
	}
	return v
}

// A StatusMoveError is returned by ChangeUserStatus when the user's status
// cannot move to the one asked for.
type StatusMoveError struct{ From, To string }

func (e *StatusMoveError) Error() string {
	return fmt.Sprintf("status cannot change from %s to %s: %s", e.From, e.To, allowedMoves)
}

// ChangeUserStatus returns a stored user's document (cur, left unchanged)
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
// move the rules refuse is a *StatusMoveError. The admin API's suspend and
// activate actions change users through it.
func ChangeUserStatus(cur map[string]any, to string, now time.Time) (doc map[string]any, changed bool, err error) {
	from := statusOf(cur)
	if from == to {
		return nil, false, nil
	}
	doc = deepCopyMap(cur)
	ext := scimdExt(doc)
	switch to {
	case schemas.StatusSuspended:
		if !allowedMove(from, to) {
			return nil, false, &StatusMoveError{From: from, To: to}
		}
		ext[schemas.AttrStatus] = to
	case schemas.StatusActive:
		// As a client's active=true: the stored status stays what was
		// asked, and applyStatus reads the change from active.
		ext[schemas.AttrStatus] = from
		doc["active"] = true
	default:
		return nil, false, &StatusMoveError{From: from, To: to}
	}
	if err := applyStatus(doc, ext, cur, now); err != nil {
		return nil, false, &StatusMoveError{From: from, To: to}
	}
	return doc, true, nil
}

// InvalidateUserSessions returns a stored user's document (cur, left
// unchanged) with the scimd User extension's sessionsValidAfter moved to
// now, as POST /Users/{id}/sessions/invalidate does: the time never moves
// backwards, so changed is false, and doc nil, when the stored time is not
// before now.
func InvalidateUserSessions(cur map[string]any, now time.Time) (doc map[string]any, changed bool) {
	ext, _ := cur[schemas.ScimdUserURN].(map[string]any)
	if old, _ := ext[schemas.AttrSessionsValidAfter].(string); !laterStamp(stamp(now), old) {
		return nil, false
	}
	doc = deepCopyMap(cur)
	scimdExt(doc)[schemas.AttrSessionsValidAfter] = stamp(now)
	return doc, true
}
