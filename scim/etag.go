package scim

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scimd/scimd/directory"
)

// etag renders a resource version as a weak entity tag, which is also the
// resource's meta.version.
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// versionsOf reads the If-Match or If-None-Match header key of r: "*", or
// the versions its entity tags name; its field lines form one list (RFC
// 9110 §5.3). Tags are compared weakly, as SCIM's versions are weak (RFC
// 7644 §3.14): "5" and W/"5" both name version 5. A tag that names no
// version of scimd's is kept out of the list, so it never matches.
func versionsOf(r *http.Request, key string) directory.Versions {
	var l directory.Versions
	for _, line := range r.Header.Values(key) {
		for s := line; ; {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			l.Present = true // a header with no element is no header
			var tag string
			tag, s = nextTag(s)
			if tag == "*" {
				l.Any = true
			} else if v, err := strconv.ParseInt(tag, 10, 64); err == nil && v > 0 {
				l.List = append(l.List, v)
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

// preconditionsOf reads the If-Match and If-None-Match headers of a write
// (RFC 9110 §13.1.1, §13.1.2) for the directory service, which tests them
// against the version the write finds under its lock. An If-Match that
// names no version of scimd's at all can never match: 412 at once.
func preconditionsOf(r *http.Request) (directory.Preconditions, error) {
	p := directory.Preconditions{IfMatch: versionsOf(r, "If-Match"), IfNoneMatch: versionsOf(r, "If-None-Match")}
	if p.IfMatch.Present && !p.IfMatch.Any && len(p.IfMatch.List) == 0 {
		return p, errorf(http.StatusPreconditionFailed, "", "If-Match names no version of this resource; read it again and retry")
	}
	return p, nil
}

// noneMatch reports whether an If-None-Match header matches the version,
// for GET's 304.
func noneMatch(r *http.Request, version int64) bool {
	l := versionsOf(r, "If-None-Match")
	return l.Present && (l.Any || slices.Contains(l.List, version))
}
