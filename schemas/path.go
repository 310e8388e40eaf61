package schemas

import (
	"strings"
	"sync"

	"github.com/scim2/filter-parser/v2"
)

// parsePath parses a PATCH path or a key of a path-less PATCH value as
// filter.ParsePath does. The grammar's parser costs some 100µs a path, so
// plain paths ([urn:…:]attr[.sub]) are split by hand and the others
// (with a value filter) are parsed once and cached.
func parsePath(s string) (filter.Path, error) {
	if p, ok := SplitPlainPath(s); ok {
		return p, nil
	}
	paths.mu.Lock()
	c, ok := paths.m[s]
	paths.mu.Unlock()
	if ok {
		return c.p, c.err
	}
	p, err := filter.ParsePath([]byte(s))
	paths.mu.Lock()
	defer paths.mu.Unlock()
	if len(paths.m) >= maxCachedPaths {
		clear(paths.m)
	}
	paths.m[s] = parsedPath{p, err}
	return p, err
}

// maxCachedPaths bounds the cache of parsed paths; a full cache starts
// over.
const maxCachedPaths = 512

// paths caches parsed paths with a value filter, which IdPs send again and
// again (emails[type eq "work"].value). Cached paths are shared: callers
// must not modify them.
var paths = struct {
	mu sync.Mutex
	m  map[string]parsedPath // guarded by mu
}{m: make(map[string]parsedPath)}

type parsedPath struct {
	p   filter.Path
	err error
}

// SplitPlainPath splits "[urn:…:]attr[.sub]" when every part is well
// formed, into the Path that filter.ParsePath returns for it, without the
// grammar's parser (which costs about 100 µs a path); ok is false for
// anything else, a value filter included, which the parser must read.
func SplitPlainPath(s string) (filter.Path, bool) {
	var p filter.Path
	rest := s
	if len(s) > 4 && strings.EqualFold(s[:4], "urn:") {
		i := strings.LastIndexByte(s, ':')
		uri := s[:i]
		for seg := range strings.SplitSeq(uri, ":") {
			if seg == "" || strings.Trim(seg, uriChars) != "" {
				return filter.Path{}, false
			}
		}
		p.AttributePath.URIPrefix, rest = &uri, s[i+1:]
	}
	name, sub, dotted := strings.Cut(rest, ".")
	if !isAttrName(name) || (dotted && !isAttrName(sub)) {
		return filter.Path{}, false
	}
	p.AttributePath.AttributeName = name
	if dotted {
		p.AttributePath.SubAttribute = &sub
	}
	return p, true
}

const (
	uriChars  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
	nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
)

// isAttrName reports whether s is an ATTRNAME of RFC 7644's filter grammar
// (a letter, then letters, digits, "_" or "-"), or "$ref".
func isAttrName(s string) bool {
	if s == "$ref" {
		return true
	}
	if s == "" || strings.IndexByte(nameChars[:52], s[0]) < 0 {
		return false
	}
	return strings.Trim(s, nameChars) == ""
}
