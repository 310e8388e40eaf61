package scim

import (
	"net/http"
	"strconv"
	"strings"
)

// etag renders a resource version as a weak entity tag, which is also the
// resource's meta.version.
func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// parseETag reads a version from an entity tag, weak or strong.
func parseETag(tag string) (int64, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	tag = strings.Trim(tag, `"`)
	v, err := strconv.ParseInt(tag, 10, 64)
	return v, err == nil && v > 0
}

// ifMatch returns the version an If-Match header requires, 0 for none or
// "*". A tag that names no version of scimd's can never match: 412.
func ifMatch(r *http.Request) (int64, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	for _, tag := range strings.Split(h, ",") {
		if v, ok := parseETag(tag); ok {
			return v, nil // one tag is all a client sends for one resource
		}
	}
	return 0, errorf(http.StatusPreconditionFailed, "", "If-Match names no version of this resource; read it again and retry")
}

// noneMatch reports whether an If-None-Match header matches the version.
func noneMatch(r *http.Request, version int64) bool {
	h := strings.TrimSpace(r.Header.Get("If-None-Match"))
	if h == "*" {
		return true
	}
	for _, tag := range strings.Split(h, ",") {
		if v, ok := parseETag(tag); ok && v == version {
			return true
		}
	}
	return false
}
