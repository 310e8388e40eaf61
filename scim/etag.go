package scim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// etag renders a resource version as a weak entity tag, which is also the
// resource's meta.version.
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// A tagList is an If-Match or If-None-Match header: "*", or the versions
// its entity tags name. Tags are compared weakly, as SCIM's versions are
// weak (RFC 7644 §3.14): "5" and W/"5" both name version 5. A tag that
// names no version of scimd's is kept out of versions, so it never
// matches.
type tagList struct {
	present  bool
	any      bool // "*"
	versions []int64
}

// tagListOf reads the header key of r; its field lines form one list
// (RFC 9110 §5.3).
func tagListOf(r *http.Request, key string) tagList {
	var l tagList
	for _, line := range r.Header.Values(key) {
		for s := line; ; {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			l.present = true // a header with no element is no header
			var tag string
			tag, s = nextTag(s)
			if tag == "*" {
				l.any = true
			} else if v, err := strconv.ParseInt(tag, 10, 64); err == nil && v > 0 {
				l.versions = append(l.versions, v)
			}
		}
	}
	return l
}

// nextTag reads one element of an entity-tag list at the start of s: the
// opaque part of a tag (without W/ and quotes), "*", or, leniently, a word
// without quotes. A quoted tag may hold commas.
func nextTag(s string) (tag, rest string) {
	s = strings.TrimPrefix(s, "W/")
	if strings.HasPrefix(s, `"`) {
		if end := strings.IndexByte(s[1:], '"'); end >= 0 {
			return s[1 : 1+end], s[2+end:]
		}
		return "", "" // an unterminated tag names nothing
	}
	end := strings.IndexAny(s, ", \t")
	if end < 0 {
		end = len(s)
	}
	return s[:end], s[end:]
}

// matches reports whether the list names version ("*" names any).
func (l tagList) matches(version int64) bool {
	return l.any || slices.Contains(l.versions, version)
}

// preconditions are the If-Match and If-None-Match headers of a write
// (RFC 9110 §13.1.1, §13.1.2), evaluated against the version the write
// finds under its lock, so that the test and the write are one step.
type preconditions struct {
	ifMatch, ifNoneMatch tagList
}

// preconditionsOf reads the headers of r. An If-Match that names no
// version of scimd's at all can never match: 412 at once.
func preconditionsOf(r *http.Request) (preconditions, error) {
	p := preconditions{ifMatch: tagListOf(r, "If-Match"), ifNoneMatch: tagListOf(r, "If-None-Match")}
	if p.ifMatch.present && !p.ifMatch.any && len(p.ifMatch.versions) == 0 {
		return p, errorf(http.StatusPreconditionFailed, "", "If-Match names no version of this resource; read it again and retry")
	}
	return p, nil
}

// conditional reports whether the request has either header.
func (p preconditions) conditional() bool { return p.ifMatch.present || p.ifNoneMatch.present }

// check answers 412 unless the preconditions hold for the resource's
// current version.
func (p preconditions) check(version int64) error {
	if p.ifMatch.present && !p.ifMatch.matches(version) {
		return errorf(http.StatusPreconditionFailed, "", "the resource has changed: its version does not match If-Match; read it again and retry")
	}
	if p.ifNoneMatch.present && p.ifNoneMatch.matches(version) {
		return errorf(http.StatusPreconditionFailed, "", "If-None-Match matches the resource's current version "+etag(version)+
			" (\"*\" matches any resource that exists); nothing was changed")
	}
	return nil
}

// noneMatch reports whether an If-None-Match header matches the version,
// for GET's 304.
func noneMatch(r *http.Request, version int64) bool {
	l := tagListOf(r, "If-None-Match")
	return l.present && l.matches(version)
}
