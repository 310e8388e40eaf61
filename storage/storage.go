package storage

import (
	"context"
	"time"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
)

// Store persists tenants and their SCIM resources. Every resource method is
// scoped to one tenant: implementations never read, count or change rows of
// another tenant. Every write runs in one transaction.
//
// The rt argument tells which resource type (User or Group) a call is about
// and carries the tenant's schema, which decides how values are indexed and
// compared.
//
// IDs (of resources, members, apps and credentials) and tenant names are
// visible ASCII ('!' to '~') and compared byte for byte on every engine.
// One with any other character (a trailing space, a tab, a non-ASCII
// letter) names nothing: it is ErrNotFound where an unknown ID is, an
// unknown member in a member list and an empty audit timeline, and a
// filter compares it in byte order (eq matches nothing); Create refuses it
// as a resource ID with a ValueError, as it does an ID longer than 36
// characters.
type Store interface {
	// CreateTenant creates a tenant. It returns ErrConflict if the name is
	// taken.
	CreateTenant(ctx context.Context, name string) (Tenant, error)
	// Tenant returns the tenant with the given name, or ErrNotFound.
	Tenant(ctx context.Context, name string) (Tenant, error)
	// Tenants returns every tenant, ordered by name.
	Tenants(ctx context.Context) ([]Tenant, error)
	// DeleteTenant removes a tenant and everything it owns, credentials
	// included.
	DeleteTenant(ctx context.Context, tenant TenantID) error

	// CreateCredential stores a new credential of the tenant: the SHA-256
	// hash of a bearer token (32 bytes; the token itself is never stored)
	// under a name. The name is 1 to 64 characters, without control
	// characters or white space at either end, and is unique among the
	// tenant's valid (non-revoked) credentials, compared exactly; a revoked
	// credential's name may be used again. It returns ErrConflict when the name is taken or the hash
	// is already the tenant's, a *ValueError for an invalid name or hash,
	// and ErrNotFound when the tenant does not exist.
	CreateCredential(ctx context.Context, tenant TenantID, name string, tokenHash []byte) (Credential, error)
	// Credentials returns every credential of the tenant, revoked ones
	// included, oldest first.
	Credentials(ctx context.Context, tenant TenantID) ([]Credential, error)
	// RevokeCredential revokes a credential of the tenant: it never
	// authenticates again. Revoking a revoked credential keeps its first
	// revocation time and is not an error. It returns ErrNotFound when the
	// tenant has no credential with that ID.
	RevokeCredential(ctx context.Context, tenant TenantID, id string) error
	// CredentialByHash returns the tenant's valid credential whose token has
	// the given SHA-256 hash, or ErrNotFound when there is none, or it is
	// revoked, or it belongs to another tenant.
	CredentialByHash(ctx context.Context, tenant TenantID, tokenHash []byte) (Credential, error)
	// TouchCredential records that a credential was used at the given time.
	// LastUsed never moves backwards: an earlier time than the recorded one
	// changes nothing. It returns ErrNotFound when the tenant has no
	// credential with that ID.
	TouchCredential(ctx context.Context, tenant TenantID, id string, at time.Time) error

	// Create stores a new resource and returns it with its ID and meta set.
	// It returns ErrConflict when a unique attribute is taken, and a
	// *ValueError for a value it cannot keep, such as a user's metadata
	// value of another type than the tenant locked its key to (see
	// MetadataAttribute; Update checks and locks metadata types the same
	// way, in its transaction).
	Create(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, r Resource) (Resource, error)
	// CreateMany stores several new resources in one transaction: all of
	// them, or none. It is Create for imports and bulk loads.
	CreateMany(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, list []Resource) ([]Resource, error)
	// Get returns one resource, or ErrNotFound.
	Get(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, id string, opts GetOptions) (Resource, error)
	// EachMember calls fn for each member of group id, in the order of
	// member ids, reading them as one stream: a group of any size costs
	// the same memory. It stops at fn's first error and returns it.
	EachMember(ctx context.Context, tenant TenantID, id string, fn func(Member) error) error
	// List returns the resources that match a query, in the query's order.
	List(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, q Query) (Page, error)
	// Lookup returns, in one query, the tenant's resources that an
	// identifier names, each once, ordered by ID, at most MaxLookup. A user
	// matches when its userName (case-insensitive), externalId (exact), an
	// email value, primary or not (case-insensitive), a phone number (both
	// sides in NormalizePhone form) or a custom identifier (an extension
	// attribute with uniqueness "server", compared as its caseExact says)
	// equals value, or one of its aliases (the scimd User extension's
	// aliases, exact) does, or value is the LinkedIdentityValue form of one
	// of its linked identities; a group matches by displayName (case-insensitive) or
	// externalId (exact). Members and groups are not loaded. An empty value
	// names nothing.
	Lookup(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, value string) ([]Resource, error)
	// Update reads a resource, calls fn with it, and writes what fn returns,
	// all in one transaction. fn may be called more than once and must not
	// have side effects. An Edit that changes nothing writes nothing and
	// keeps the version.
	Update(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, id string, opts UpdateOptions, fn func(cur Resource) (Edit, error)) (Resource, error)
	// Delete removes a resource and its memberships. A non-zero ifVersion
	// must equal the stored version, or ErrVersionMismatch is returned.
	Delete(ctx context.Context, tenant TenantID, rt *schemas.ResourceType, id string, ifVersion int64) error

	// CreateApp stores a new app of the tenant and returns it with its ID
	// and times set. It returns a *ValueError for an empty or too long name
	// or description.
	CreateApp(ctx context.Context, tenant TenantID, app App) (App, error)
	// Apps returns the tenant's apps ordered by name, then ID.
	Apps(ctx context.Context, tenant TenantID) ([]App, error)
	// App returns one app of the tenant, or ErrNotFound.
	App(ctx context.Context, tenant TenantID, id string) (App, error)
	// UpdateApp replaces the name and description of an app (app.ID), or
	// returns ErrNotFound.
	UpdateApp(ctx context.Context, tenant TenantID, app App) (App, error)
	// DeleteApp removes an app and every assignment to it, bumping the
	// version of each user that had one; ErrNotFound if there is no such
	// app.
	DeleteApp(ctx context.Context, tenant TenantID, id string) error
	// Assign assigns a user (a.User) to an app (a.App), or replaces the
	// data of an existing assignment, and bumps the user's version, in one
	// transaction. It returns ErrAppNotFound (which is also ErrNotFound)
	// when the app does not exist, ErrNotFound when the user does not, ErrConflict when
	// another user of the app has the same Username, and a *ValueError for
	// data it cannot keep.
	Assign(ctx context.Context, tenant TenantID, a AppAssignment) (AppAssignment, error)
	// Unassign removes a user's assignment to an app and bumps the user's
	// version; ErrNotFound when there is none.
	Unassign(ctx context.Context, tenant TenantID, appID, userID string) error
	// UserApps returns a user's assignments ordered by app ID, or
	// ErrNotFound when the user does not exist.
	UserApps(ctx context.Context, tenant TenantID, userID string) ([]AppAssignment, error)
	// TagKeys returns the tag keys (storage.UserTagKeys) that the tenant's
	// users carry, ordered by key, each with the number of users that
	// carry it. It reads a per-tenant list that every user write keeps up
	// to date in its transaction, never the users: a key leaves the list
	// when the last user that carries it drops it or is deleted.
	TagKeys(ctx context.Context, tenant TenantID) ([]TagKey, error)
	// InvalidateTenantSessions moves the tenant's "sessions valid after"
	// time to at: sessions and tokens that relying apps issued to any user
	// of the tenant before it are invalid. The time never moves backwards;
	// an earlier at keeps the stored time. It returns the stored time, and
	// ErrNotFound when the tenant does not exist.
	InvalidateTenantSessions(ctx context.Context, tenant TenantID, at time.Time) (time.Time, error)
	// TenantSessionsValidAfter returns the tenant's "sessions valid after"
	// time, the zero time when it was never set, or ErrNotFound.
	TenantSessionsValidAfter(ctx context.Context, tenant TenantID) (time.Time, error)

	// Authenticate finds, in one lookup, the tenant with the given name and
	// its valid credential whose token has the given SHA-256 hash. It
	// returns ErrNotFound when either does not exist. A store may answer
	// from what it found in the last AuthCacheTTL: a credential revoked,
	// a tenant deleted or a schema changed through another store (another
	// instance on the same database) is seen within AuthCacheTTL, and at
	// once through this store. The tenant's SchemaVersion may lag as much;
	// a write checked against an older version fails with
	// ErrSchemaChanged, and the store's next answer is fresh.
	Authenticate(ctx context.Context, tenantName string, tokenHash []byte) (Tenant, Credential, error)

	// TenantSchema returns the tenant's schema definition at a version
	// (the JSON that schemas.ParseDefinition reads), or ErrNotFound.
	TenantSchema(ctx context.Context, tenant TenantID, version int64) ([]byte, error)
	// SetTenantSchema stores a new version of the tenant's definition, in
	// one transaction, when the tenant's current version is expect (else
	// ErrVersionMismatch) and the tenant's data allows every change (else a
	// *SchemaConflictError): an attribute whose type changes must hold no
	// values, and one that becomes unique must hold no duplicates; its
	// values then enter the uniqueness index. It returns the new version.
	SetTenantSchema(ctx context.Context, tenant TenantID, expect int64, definition []byte, set *schemas.Set, changes []schemas.Change) (int64, error)

	// Audit returns a page of the tenant's audit log, newest first: every
	// write of the Store records one entry in its own transaction (see
	// AuditEntry), with the actor of its context (WithActor). Reads and
	// TouchCredential record nothing, nor does a write that changes
	// nothing or fails. DeleteTenant removes the tenant's log with the rest
	// of its rows.
	Audit(ctx context.Context, tenant TenantID, q AuditQuery) (AuditPage, error)

	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database connections.
	Close() error
}

// A TenantID identifies a tenant. It is opaque and never changes.
type TenantID string

// AuthCacheTTL bounds how long Authenticate may answer from memory, and so
// how long after a credential is revoked on one instance another instance
// on the same database may still accept it.
const AuthCacheTTL = time.Second

// A Tenant is an isolated set of users, groups, schemas and credentials.
type Tenant struct {
	ID      TenantID
	Name    string // unique; appears in URLs
	Created time.Time
	// SchemaVersion is the version of the tenant's schema definition; 0
	// until it sets one (see SetTenantSchema).
	SchemaVersion int64
}

// A Credential is a bearer token a tenant's SCIM clients authenticate with.
// It never holds the token or its hash: the token is shown once, when it is
// made, and only its hash is stored.
type Credential struct {
	ID      string // assigned by CreateCredential; opaque
	Tenant  TenantID
	Name    string // a label such as "okta"; unique among valid credentials
	Created time.Time
	// LastUsed is when the credential last authenticated a request, as
	// recorded by TouchCredential; nil if it never has.
	LastUsed *time.Time
	// Revoked is when the credential was revoked; nil while it is valid.
	Revoked *time.Time
}

// A Resource is a stored SCIM resource.
type Resource struct {
	// ID is assigned by Create.
	ID string
	// Attributes is the resource's document with canonical attribute names:
	// everything but id, meta, the members of a group and the groups of a
	// user. Extension attributes sit under their schema URN. externalId is
	// kept here too.
	Attributes map[string]any
	// Doc is the stored JSON document, set instead of Attributes when the
	// caller asked for it (GetOptions.Raw) and the store could: a reader
	// that asks must handle both.
	Doc []byte
	// Members are a group's members. It is nil unless the caller asked for
	// them (GetOptions.Members) or is writing a new group.
	Members []Member
	// Apps are a user's app assignments ordered by app ID, filled when the
	// caller asks for them (GetOptions.Apps).
	Apps []AppAssignment
	// Groups are the groups a user belongs to, directly or through nested
	// groups, each once, ordered by ID; filled when the caller asks for them
	// (GetOptions.Groups).
	Groups []GroupRef
	Meta   Meta
}

// Meta is the server-maintained metadata of a resource.
type Meta struct {
	Created      time.Time
	LastModified time.Time
	// Version starts at 1 and grows with every change.
	Version int64
}

// A Member is one member of a group: a user or a group of the same tenant.
// A group may be a member of another group, but never of itself, directly
// or through other groups: an edit that would make a cycle fails with a
// *ValueError naming the offending group.
type Member struct {
	Value string // the member's ID
	// Type is schemas.UserType or schemas.GroupType. On input it is
	// optional (compared case-insensitively); when given, Value must name a
	// resource of that type.
	Type string
	// Display is the member's display name as the client gave it when it
	// added the member (at most maxMemberDisplay runes are kept).
	Display string
}

// A GroupRef names a group a user belongs to.
type GroupRef struct {
	Value   string
	Display string
	// Type is GroupDirect when the user is a member of the group itself,
	// and GroupIndirect when it belongs only through member groups.
	Type string
}

// The values of GroupRef.Type, those of RFC 7643 §4.1.2.
const (
	GroupDirect   = "direct"
	GroupIndirect = "indirect"
)

// GetOptions say which related data Get and List load.
type GetOptions struct {
	Members bool // load Resource.Members of groups
	Groups  bool // load Resource.Groups of users
	Apps    bool // load Resource.Apps of users
	// Raw asks for a user's document as stored (Resource.Doc), not
	// decoded: a door that serves it as is saves decoding it and encoding
	// it again.
	Raw bool
}

// UpdateOptions control Update.
type UpdateOptions struct {
	// IfVersion, when non-zero, must equal the stored version.
	IfVersion int64
	// Members loads the group's full member list into the Resource that fn
	// receives. Leave it off for incremental member changes.
	Members bool
}

// An Edit is what an update function returns: the new document and the
// membership changes. Member changes never read the member list, so adding
// one member to a group of any size costs the same.
type Edit struct {
	// Attributes is the new document; nil keeps the current one.
	Attributes map[string]any
	// ReplaceMembers, when true, makes Members the group's member list.
	ReplaceMembers bool
	Members        []Member
	// AddMembers and RemoveMembers change single members (ignored when
	// ReplaceMembers is set). Adding a present member or removing an absent
	// one is not an error.
	AddMembers    []Member
	RemoveMembers []string
	// SkipUnknownMembers makes AddMembers and Members ignore IDs that name
	// no user or group of the tenant, instead of failing with a ValueError.
	SkipUnknownMembers bool
	// Touch bumps the version even when nothing else changes.
	Touch bool
}

// A Query selects, orders and pages resources.
type Query struct {
	// Filter is a parsed SCIM filter; nil matches every resource.
	Filter filter.Expression
	// SortBy names the attribute to order by; nil orders by id. Resources
	// without a value sort last in ascending order; descending is the exact
	// reverse, and ties order by id. Strings order by their bytes; a store
	// may compare only a prefix of long values (MySQL: the first 1024
	// bytes), ordering values that share it by id.
	SortBy     *filter.AttributePath
	Descending bool

	// Count is the page size. With Count 0 List returns only Total.
	Count int
	// StartIndex is the 1-based index of the first result (index mode).
	StartIndex int
	// Keyset selects cursor pagination: Cursor empty for the first page, or
	// the NextCursor of the previous page.
	Keyset bool
	Cursor string
	// Total asks for Page.Total in keyset mode; index mode always counts.
	Total bool

	GetOptions
}

// A Page is one page of List results.
type Page struct {
	// Total is the number of matching resources, or -1 if not counted.
	Total     int
	Resources []Resource
	// NextCursor continues a keyset walk; it is empty on the last page. A
	// full page in index mode sets it too: the keyset position after the
	// page, for callers that walk index pages in order.
	NextCursor string
}
