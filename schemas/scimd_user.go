package schemas

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/elimity-com/scim/schema"
)

// ScimdUserURN is the URN of scimd's own User extension: lifecycle status,
// credentials and sessions, tags, aliases, delegates, linked identities and
// app assignments.
// Unlike the tenant extension it is the same for every tenant. The URN has
// no '_' (the filter grammar refuses one in a URN).
const ScimdUserURN = "urn:scimd:schemas:extension:2.0:User"

// Lifecycle statuses of a user (the extension's status attribute). The
// SCIM active attribute is true exactly when the status is StatusActive.
const (
	StatusPending       = "pending"
	StatusActive        = "active"
	StatusSuspended     = "suspended"
	StatusDeprovisioned = "deprovisioned"
)

// Names of the scimd User extension's attributes, as stored under
// ScimdUserURN in a user's document.
const (
	AttrStatus             = "status"
	AttrStatusChangedAt    = "statusChangedAt"
	AttrBirthday           = "birthday"
	AttrLastLoginAt        = "lastLoginAt"
	AttrPasswordUpdatedAt  = "passwordUpdatedAt"
	AttrPasswordTemporary  = "passwordTemporary"
	AttrPasswordExpired    = "passwordExpired"
	AttrSessionsValidAfter = "sessionsValidAfter"
	AttrAliases            = "aliases"
	AttrTags               = "tags"
	AttrDelegates          = "delegates"
	AttrLinkedIdentities   = "linkedIdentities"
)

// scimdUserAttributes are the attributes of the scimd User extension, in
// the order /Schemas lists them. Add new ones here (one entry each).
var scimdUserAttributes = []AttributeDef{
	{
		Name: AttrStatus, Type: "string",
		CanonicalValues: []string{StatusPending, StatusActive, StatusSuspended, StatusDeprovisioned},
		Description: "The user's lifecycle status, the source of truth for active (true exactly when status is active). " +
			"Allowed changes: active or pending to suspended, suspended to active; active=false deprovisions, active=true activates.",
	},
	{Name: AttrStatusChangedAt, Type: "dateTime", Mutability: "readOnly", Description: "When status last changed."},
	{Name: AttrBirthday, Type: "string", Description: "The user's date of birth, YYYY-MM-DD."},
	{Name: AttrLastLoginAt, Type: "dateTime", Mutability: "readOnly",
		Description: "When a relying app last reported a login (POST /Users/{id}/login)."},
	{Name: AttrPasswordUpdatedAt, Type: "dateTime", Mutability: "readOnly", Description: "When the password was last set."},
	{Name: AttrPasswordTemporary, Type: "boolean", Description: "The password must be changed at the next login."},
	{Name: AttrPasswordExpired, Type: "boolean", Description: "The password has expired."},
	{Name: AttrSessionsValidAfter, Type: "dateTime", Mutability: "readOnly",
		Description: "Sessions and tokens issued to the user before this time are invalid. Set by " +
			"POST /Users/{id}/sessions/invalidate and when the user is suspended or deprovisioned."},
	{Name: AttrAliases, Type: "string", MultiValued: true, CaseExact: true, Uniqueness: "server",
		Description: "Extra identifiers (legacy ids, session keys) that resolve to the user; unique in the tenant."},
	{
		Name: AttrTags, Type: "complex", MultiValued: true,
		Description: "Key/value tags; one value per key; keys match [A-Za-z0-9_-]+.",
		SubAttributes: []AttributeDef{
			{Name: "key", Type: "string", Required: true, CaseExact: true, Description: "The tag's key."},
			{Name: "value", Type: "string", CaseExact: true, Description: "The tag's value."},
		},
	},
	{
		Name: AttrDelegates, Type: "complex", MultiValued: true,
		Description: "Users who may act for this user.",
		SubAttributes: []AttributeDef{
			{Name: "actorId", Type: "string", Required: true, CaseExact: true, Description: "The id of a user of the same tenant."},
			{Name: "permissions", Type: "string", MultiValued: true, CaseExact: true, Description: "What the actor may do."},
		},
	},
	{
		Name: AttrLinkedIdentities, Type: "complex", MultiValued: true,
		Description: "Identities at other providers linked to the user; a (source, identifier) pair names one user of the tenant.",
		SubAttributes: []AttributeDef{
			{Name: "source", Type: "string", Required: true, Description: "The identity provider, such as google or github."},
			{Name: "identifier", Type: "string", Required: true, CaseExact: true, Description: "The user's identifier at the source."},
			{Name: "firstAuthenticatedAt", Type: "dateTime", Description: "When the user first signed in with this identity."},
			{Name: "lastAuthenticatedAt", Type: "dateTime", Description: "When the user last signed in with this identity."},
		},
	},
}

var scimdUserSchema = sync.OnceValue(func() schema.Schema {
	s, err := extensionSchema(ScimdUserURN, "scimd User", scimdUserAttributes)
	if err != nil {
		panic(fmt.Sprintf("schemas: the scimd User extension does not build: %v", err))
	}
	s.Description = s.Name
	// apps is read-only and server-computed (see AppsAttribute): its
	// customAppData is a JSON object, which the definition form cannot
	// express.
	s.Attributes = append(s.Attributes, AppsAttribute())
	return s
})

// ScimdUser returns the scimd User extension schema.
func ScimdUser() schema.Schema { return scimdUserSchema() }

// verificationSubAttributes are what scimd adds to the core User schema's
// emails and phoneNumbers: whether a value was verified, and when.
var verificationSubAttributes = []map[string]any{
	{
		"name": "verified", "type": "boolean", "multiValued": false, "required": false,
		"mutability": "readWrite", "returned": "default",
		"description": "Whether the value was verified as the user's. Changing the primary value clears it.",
	},
	{
		"name": "verifiedAt", "type": "dateTime", "multiValued": false, "required": false, "caseExact": false,
		"mutability": "readWrite", "returned": "default", "uniqueness": "none",
		"description": "When the value was verified; set by scimd when verified becomes true without one.",
	},
}

// coreUser is the library's core User schema with verified and verifiedAt
// sub-attributes on emails and phoneNumbers, and with emails.value unique
// (uniqueness "server") when uniqueEmails is set.
func coreUser(uniqueEmails bool) schema.Schema {
	b, err := json.Marshal(schema.CoreUserSchema())
	if err != nil {
		panic(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		panic(err)
	}
	attrs, _ := raw["attributes"].([]any)
	for _, a := range attrs {
		m, _ := a.(map[string]any)
		if name, _ := m["name"].(string); name == "emails" || name == "phoneNumbers" {
			subs, _ := m["subAttributes"].([]any)
			for _, v := range verificationSubAttributes {
				subs = append(subs, v)
			}
			m["subAttributes"] = subs
			if uniqueEmails && name == "emails" {
				for _, sub := range subs {
					if sm, _ := sub.(map[string]any); sm["name"] == "value" {
						sm["uniqueness"] = "server"
					}
				}
			}
		}
	}
	if b, err = json.Marshal(raw); err != nil {
		panic(err)
	}
	var s schema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		panic(fmt.Sprintf("schemas: the core User schema does not build: %v", err))
	}
	return s
}
