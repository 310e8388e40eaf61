package storage

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound is returned when the tenant has no resource with the given
	// ID, or when a tenant itself does not exist.
	ErrNotFound = errors.New("storage: not found")

	// ErrConflict is returned by Create and Update when a value that must be
	// unique in the tenant (such as userName) is already taken, and by
	// CreateTenant when the tenant name is taken.
	ErrConflict = errors.New("storage: conflict")

	// ErrVersionMismatch is returned by Update and Delete when the caller's
	// expected version (from If-Match) is not the stored version.
	ErrVersionMismatch = errors.New("storage: version mismatch")

	// ErrInvalidCursor is returned by List when a keyset cursor cannot be
	// decoded or does not belong to the query's sort order.
	ErrInvalidCursor = errors.New("storage: invalid cursor")

	// ErrSchemaChanged is returned by Create and Update when the tenant's
	// schema changed after the caller read it: the write was checked
	// against a version that is no longer the tenant's, and nothing was
	// written. Reading the schema again and retrying succeeds.
	ErrSchemaChanged = errors.New("storage: the tenant schema changed")

	// ErrUnavailable is returned when the database cannot be reached. It is
	// transient: the same call may succeed later.
	ErrUnavailable = errors.New("storage: database unavailable")
)

// A ConflictError is ErrConflict naming the attribute whose value another
// resource of the tenant holds, when storage can tell which it is.
// errors.Is(err, ErrConflict) holds for it.
type ConflictError struct {
	// Attribute is the attribute's path as the schema spells it:
	// "userName", or URN-qualified for an extension attribute.
	Attribute string
}

func (e *ConflictError) Error() string {
	return "storage: conflict: another resource of the tenant has this " + e.Attribute
}

// Is makes a ConflictError match ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// ConflictDetail says for people what a conflict error is about: the
// attribute a ConflictError names, or userName and the other unique values
// when storage could not tell.
func ConflictDetail(err error, resource string) string {
	if ce, ok := errors.AsType[*ConflictError](err); ok {
		return "another " + resource + " of the tenant has this " + ce.Attribute + "; its values are unique in the tenant"
	}
	return "another " + resource + " of the tenant has this userName or another unique value"
}

// A FilterError is returned by List when a filter or sort attribute cannot
// be translated: an unknown attribute, an operator the attribute's type does
// not support, a value of the wrong type, or a filter over the size limit.
// SortBy marks an error of the sort attribute rather than of the filter.
// Detail is safe to show to the client.
type FilterError struct {
	Detail string
	SortBy bool
}

func (e *FilterError) Error() string {
	if e.SortBy {
		return "storage: invalid sortBy: " + e.Detail
	}
	return "storage: invalid filter: " + e.Detail
}

// NewFilterError returns a FilterError with a formatted detail.
func NewFilterError(format string, args ...any) error {
	return &FilterError{Detail: fmt.Sprintf(format, args...)}
}

// NewSortError returns a FilterError of the sort attribute with a formatted
// detail.
func NewSortError(format string, args ...any) error {
	return &FilterError{Detail: fmt.Sprintf(format, args...), SortBy: true}
}

// A ValueError is returned by Create and Update when a resource holds a value
// storage cannot keep, such as a userName longer than the limit or a member
// that does not exist. Detail is safe to show to the client.
type ValueError struct {
	Attribute string
	Detail    string
}

func (e *ValueError) Error() string {
	return "storage: invalid value for " + e.Attribute + ": " + e.Detail
}

// A SchemaConflictError is returned by SetTenantSchema when the tenant's data
// does not allow a schema change. IDs lists (some of) the resources in the
// way.
type SchemaConflictError struct {
	Attribute string
	Reason    string
	IDs       []string
}

func (e *SchemaConflictError) Error() string {
	return fmt.Sprintf("storage: schema change of %s refused: %s (resources %v)", e.Attribute, e.Reason, e.IDs)
}

// MaxFilterTerms is the most comparisons and logical operators one filter
// may hold: List refuses a larger filter with a FilterError, so that a
// client cannot make the database evaluate an arbitrarily large condition.
// Servers may set a lower limit of their own.
const MaxFilterTerms = 100
