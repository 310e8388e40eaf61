package storage

import (
	"fmt"
	"time"

	"github.com/scimd/scimd/schemas"
)

// ErrAppNotFound is the ErrNotFound of an app that does not exist, where a
// call names both an app and a user (Assign): errors.Is(err, ErrNotFound)
// holds too.
var ErrAppNotFound = fmt.Errorf("%w: no such app", ErrNotFound)

// AppsURN is the scimd User extension that carries a user's app
// assignments (the "apps" attribute) over SCIM. Storage filters on
// AppsURN + ":apps.value" (see Store.List).
const AppsURN = schemas.ScimdUserURN

// AppsAttribute is the attribute of AppsURN that lists a user's apps.
const AppsAttribute = schemas.AppsAttributeName

// Limits of apps and assignments.
const (
	MaxAppName           = 256   // characters of App.Name
	MaxAppDescription    = 1024  // characters of App.Description
	MaxAppUsername       = 256   // characters of AppAssignment.Username
	MaxExternalAccount   = 256   // characters of AppAssignment.ExternalAccountID
	MaxCustomAppData     = 16384 // bytes of AppAssignment.CustomAppData as JSON
	MaxAssignmentsListed = 1000  // assignments Store.UserApps and a user's apps hold at most
)

// An App is an application of a tenant, to which users are assigned.
type App struct {
	ID          string // assigned by CreateApp; opaque
	Name        string // 1 to MaxAppName characters; need not be unique
	Description string // optional
	Created     time.Time
	// LastModified changes with UpdateApp.
	LastModified time.Time
}

// An AppAssignment is a user's assignment to an app, with the data the app
// keeps about the user.
type AppAssignment struct {
	App  string // the app's ID
	User string // the user's ID
	// AppName is the app's name, read with the assignment; ignored on
	// input.
	AppName string
	// Username is the user's name in the app: optional, at most
	// MaxAppUsername characters, unique within the app compared
	// case-insensitively (another user's assignment with the same username
	// is ErrConflict).
	Username string
	// ExternalAccountID is the user's account ID in the app; optional, not
	// unique.
	ExternalAccountID string
	// CustomAppData is the app's own data about the user, a JSON object of
	// at most MaxCustomAppData bytes; nil if none.
	CustomAppData map[string]any
}
