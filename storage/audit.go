package storage

import (
	"context"
	"time"
)

// The kinds of Actor.
const (
	ActorSCIM   = "scim"   // a SCIM client, authenticated by a tenant credential
	ActorAdmin  = "admin"  // an admin API caller, authenticated by an OIDC token
	ActorCLI    = "cli"    // a scimd command run on the database
	ActorSystem = "system" // scimd itself, or a caller that set no actor
)

// An Actor is who makes a change: the audit log records it with every
// write.
type Actor struct {
	// Kind is one of ActorSCIM, ActorAdmin, ActorCLI and ActorSystem.
	Kind string
	// ID identifies the actor within its kind: a credential's ID, an OIDC
	// subject, the operating system user of a CLI command; may be empty.
	ID string
	// Name is a label for people: a credential's name, the OIDC subject.
	Name string
}

type actorKey struct{}

// WithActor returns a context that carries the actor of the writes made
// with it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries, or an Actor of kind ActorSystem
// when it carries none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a.Kind != "" {
		return a
	}
	return Actor{Kind: ActorSystem}
}

// The operations of AuditEntry.Operation.
const (
	AuditCreate            = "create"              // a User, Group, App or Credential, or the Tenant
	AuditUpdate            = "update"              // a User, Group or App
	AuditDelete            = "delete"              // a User, Group or App
	AuditAssign            = "assign"              // a user's app assignment was made or changed
	AuditUnassign          = "unassign"            // a user's app assignment was removed
	AuditRevoke            = "revoke"              // a Credential
	AuditSetSchema         = "set_schema"          // the tenant's schema definition
	AuditInvalidateSession = "invalidate_sessions" // the tenant's sessions valid after time
)

// The resource types of AuditEntry.ResourceType besides schemas.UserType
// and schemas.GroupType.
const (
	AuditApp        = "App"
	AuditCredential = "Credential"
	AuditTenant     = "Tenant"
	AuditSchema     = "Schema"
)

// Redacted replaces a secret value in the audit log.
const Redacted = "[redacted]"

// An AuditEntry is one change in a tenant's audit log, written in the
// transaction of the change.
type AuditEntry struct {
	ID           string // time-ordered; opaque
	Time         time.Time
	Tenant       TenantID
	Actor        Actor
	Operation    string // one of the Audit* operations
	ResourceType string // schemas.UserType, schemas.GroupType, AuditApp, …
	ResourceID   string // the resource's ID; the tenant's for tenant-wide changes
	// Changes are the attributes the write changed; empty for a deletion.
	Changes []AttributeChange
}

// An AttributeChange is one changed attribute of an AuditEntry.
type AttributeChange struct {
	// Path is the attribute's path: "userName", "name.givenName",
	// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
	// or "members" for a group's membership.
	Path string `json:"path"`
	// Old and New are the values before and after, JSON-shaped; nil when
	// the attribute was absent. A secret (an attribute whose returned is
	// "never", such as password) is Redacted.
	Old any `json:"old,omitempty"`
	New any `json:"new,omitempty"`
	// Added and Removed are the member IDs a membership change added and
	// removed, as the write asked them (path "members"). A write that
	// replaced the whole member list sets Replaced, and Added is the new
	// list.
	Added    []string `json:"added,omitempty"`
	Removed  []string `json:"removed,omitempty"`
	Replaced bool     `json:"replaced,omitempty"`
}

// MaxAuditCount is the most entries one AuditQuery returns.
const MaxAuditCount = 1000

// An AuditQuery selects a page of a tenant's audit log, newest first.
type AuditQuery struct {
	// ResourceID, when set, keeps the entries of that resource only: a
	// user's or group's timeline.
	ResourceID string
	// ResourceType, when set, keeps the entries of that resource type only
	// (schemas.UserType, schemas.GroupType, AuditApp, …); empty means any.
	// With ResourceID it tells a user's timeline from a group's.
	ResourceType string
	// Count is the page size, 1 to MaxAuditCount; 0 means 100.
	Count int
	// Cursor is empty for the first page, or the NextCursor of the
	// previous page; a bad cursor is ErrInvalidCursor.
	Cursor string
}

// An AuditPage is one page of audit entries.
type AuditPage struct {
	Entries []AuditEntry
	// NextCursor continues the walk to older entries; empty on the last
	// page.
	NextCursor string
}
