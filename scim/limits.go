package scim

import (
	"net/http"
	"strconv"
	"strings"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Defaults of the request limits of Config.
const (
	DefaultMaxFilterBytes     = MaxFilterLength
	DefaultMaxFilterTerms     = storage.MaxFilterTerms
	DefaultMaxPatchOperations = 1000
	DefaultMaxPatchMembers    = 10000
	DefaultMaxMultiValues     = directory.DefaultMaxMultiValues
)

// applyLimitDefaults gives every zero (or negative) limit of cfg its
// default, and caps the filter limits at what the parser and the storage
// layer accept.
func applyLimitDefaults(cfg *Config) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxResults <= 0 {
		cfg.MaxResults = DefaultMaxResults
	}
	if cfg.MaxFilterBytes <= 0 || cfg.MaxFilterBytes > MaxFilterLength {
		cfg.MaxFilterBytes = DefaultMaxFilterBytes
	}
	if cfg.MaxFilterTerms <= 0 || cfg.MaxFilterTerms > storage.MaxFilterTerms {
		cfg.MaxFilterTerms = DefaultMaxFilterTerms
	}
	if cfg.MaxPatchOperations <= 0 {
		cfg.MaxPatchOperations = DefaultMaxPatchOperations
	}
	if cfg.MaxPatchMembers <= 0 {
		cfg.MaxPatchMembers = DefaultMaxPatchMembers
	}
	if cfg.MaxMultiValues <= 0 {
		cfg.MaxMultiValues = DefaultMaxMultiValues
	}
}

// limitedFilter parses a client's filter under the handler's limits on its
// length in bytes and its number of terms.
func (h *Handler) limitedFilter(s string) (filter.Expression, error) {
	if n := len(strings.TrimSpace(s)); n > h.cfg.MaxFilterBytes {
		return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidFilter,
			"the filter is "+strconv.Itoa(n)+" bytes long; the limit is "+strconv.Itoa(h.cfg.MaxFilterBytes)+" bytes")
	}
	e, err := directory.ParseFilter(s)
	if err != nil {
		return nil, err
	}
	if n := storage.FilterTerms(e); n > h.cfg.MaxFilterTerms {
		return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidFilter,
			"the filter has "+strconv.Itoa(n)+" terms (comparisons and logical operators); the limit is "+strconv.Itoa(h.cfg.MaxFilterTerms))
	}
	return e, nil
}

// checkPatchLimits refuses a PATCH body (as decoded) whose Operations list
// has more operations than MaxPatchOperations or more member values,
// summed over its operations, than MaxPatchMembers. Nothing has been
// changed when it refuses.
func (h *Handler) checkPatchLimits(body any) error {
	doc, _ := body.(map[string]any)
	opsKey, _ := keyOf(doc, "Operations")
	ops, _ := doc[opsKey].([]any)
	if len(ops) > h.cfg.MaxPatchOperations {
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue,
			"the request has "+strconv.Itoa(len(ops))+" PATCH operations; the limit is "+strconv.Itoa(h.cfg.MaxPatchOperations)+" per request: split it")
	}
	members := 0
	for _, o := range ops {
		members += patchMembers(o)
	}
	if members > h.cfg.MaxPatchMembers {
		return errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidValue,
			"the request adds, removes or replaces "+strconv.Itoa(members)+" member values; the limit is "+strconv.Itoa(h.cfg.MaxPatchMembers)+" per request: split it")
	}
	return nil
}

// patchMembers counts the member values one PATCH operation names: the
// values of an operation on the path members (or a members[...] filter,
// which counts one), either bare or qualified with the Group schema URN, or
// of the members key of a path-less value.
func patchMembers(o any) int {
	op, ok := o.(map[string]any)
	if !ok {
		return 0
	}
	var value any
	if k, ok := keyOf(op, "value"); ok {
		value = op[k]
	}
	if k, ok := keyOf(op, "path"); ok {
		path, _ := op[k].(string)
		path = strings.ToLower(strings.TrimSpace(path))
		// The attribute may be qualified with the core Group schema URN.
		path = strings.TrimPrefix(path, strings.ToLower(schemas.GroupURN)+":")
		if !strings.HasPrefix(path, "members") {
			return 0
		}
		if l, ok := value.([]any); ok {
			return len(l)
		}
		return 1
	}
	doc, ok := value.(map[string]any)
	if !ok {
		return 0
	}
	n := 0
	for _, key := range []string{"members", schemas.GroupURN + ":members"} {
		if k, ok := keyOf(doc, key); ok {
			if l, ok := doc[k].([]any); ok {
				n += len(l)
			} else {
				n++
			}
		}
	}
	return n
}

// keyOf returns the key of m that equals key without regard to case.
func keyOf(m map[string]any, key string) (string, bool) {
	for k := range m {
		if strings.EqualFold(k, key) {
			return k, true
		}
	}
	return "", false
}
