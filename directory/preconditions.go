package directory

import (
	"slices"
	"strconv"
)

// Versions is what a precondition names: any version ("*"), or a list of
// resource versions. Present is false when the request has no such
// precondition.
type Versions struct {
	Present bool
	Any     bool
	List    []int64
}

// matches reports whether the versions name version ("*" names any).
func (v Versions) matches(version int64) bool {
	return v.Any || slices.Contains(v.List, version)
}

// Preconditions are what a write requires of the version of the resource
// it changes, as HTTP's If-Match and If-None-Match say it (RFC 9110
// §13.1.1, §13.1.2). The service tests them against the version the write
// finds under its lock, so that the test and the write are one step.
type Preconditions struct {
	IfMatch, IfNoneMatch Versions
}

// conditional reports whether there is any precondition.
func (p Preconditions) conditional() bool { return p.IfMatch.Present || p.IfNoneMatch.Present }

// check refuses the write (PreconditionFailed) unless the preconditions
// hold for the resource's current version.
func (p Preconditions) check(version int64) error {
	if p.IfMatch.Present && !p.IfMatch.matches(version) {
		return refusal(PreconditionFailed, "", errChanged)
	}
	if p.IfNoneMatch.Present && p.IfNoneMatch.matches(version) {
		return refusal(PreconditionFailed, "", "If-None-Match matches the resource's current version "+etag(version)+
			" (\"*\" matches any resource that exists); nothing was changed")
	}
	return nil
}

// etag renders a resource version as the weak entity tag SCIM shows as
// meta.version.
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }
