package directory

import (
	"slices"
	"strings"
	"sync"

	"github.com/elimity-com/scim/schema"

	"github.com/scimd/scimd/internal/rawjson"
	"github.com/scimd/scimd/schemas"
)

// VisibleRaw is Visible on a stored document as JSON text: the top-level
// members of the document a response shows, their values as stored. ok is
// false when the document needs more than dropping whole members (a
// sub-attribute that is never returned, an undeclared extension attribute,
// groups or members in the document): the
// caller then decodes it and uses Visible. id, schemas and meta are left
// out: a response has its own.
func VisibleRaw(rt *schemas.ResourceType, doc []byte) (fields []rawjson.Field, ok bool) {
	r := rulesOf(rt)
	top, ok := rawjson.Fields(doc, make([]rawjson.Field, 0, 16))
	if !ok {
		return nil, false
	}
	out := top[:0]
	sawStatus, scimdAt, inactive := false, -1, false
	var scimdInner []rawjson.Field
	for _, f := range top {
		if strings.HasPrefix(f.Key, "urn:") {
			ext, declared := r.ext[f.Key]
			if !declared {
				continue
			}
			inner, ok := rawjson.Fields(f.Value, nil)
			if !ok {
				return nil, false
			}
			for _, in := range inner {
				if rule, declared := ext[in.Key]; !declared || rule != keep {
					return nil, false
				}
				sawStatus = sawStatus || (f.Key == schemas.ScimdUserURN && in.Key == schemas.AttrStatus)
			}
			if f.Key == schemas.ScimdUserURN {
				scimdAt, scimdInner = len(out), inner
			}
			if len(inner) > 0 {
				out = append(out, f)
			}
			continue
		}
		switch r.core[f.Key] {
		case drop:
			continue
		case decode:
			return nil, false
		}
		switch f.Key {
		case "id", "schemas", "meta": // a response has its own
			continue
		case "groups", "members":
			return nil, false
		}
		inactive = inactive || (f.Key == "active" && string(f.Value) == "false")
		out = append(out, f)
	}
	if r.needStatus && !sawStatus {
		out = withStatus(out, scimdAt, scimdInner, inactive)
	}
	return out, true
}

// withStatus gives a user stored without a status the one deriveStatus
// gives it: fields[at] is the user's scimd extension object (inner its
// members), or at is -1 or the object was empty and left out.
func withStatus(fields []rawjson.Field, at int, inner []rawjson.Field, inactive bool) []rawjson.Field {
	status := schemas.StatusActive
	if inactive {
		status = schemas.StatusDeprovisioned
	}
	inner = append(inner, rawjson.Field{Key: schemas.AttrStatus, Value: rawjson.AppendString(nil, status)})
	slices.SortFunc(inner, func(a, b rawjson.Field) int { return strings.Compare(a.Key, b.Key) })
	obj := []byte{'{'}
	for i, f := range inner {
		if i > 0 {
			obj = append(obj, ',')
		}
		obj = rawjson.AppendString(obj, f.Key)
		obj = append(obj, ':')
		obj = append(obj, f.Value...)
	}
	ext := rawjson.Field{Key: schemas.ScimdUserURN, Value: append(obj, '}')}
	if at >= 0 && at < len(fields) && fields[at].Key == schemas.ScimdUserURN {
		fields[at] = ext
		return fields
	}
	return append(fields, ext)
}

// What VisibleRaw does with a member of a stored document.
type rawRule uint8

const (
	keep   rawRule = iota // as stored (the zero value: an undeclared core member is kept, as Visible keeps it)
	drop                  // never returned, or not declared by an extension
	decode                // has sub-attributes that are never returned
)

// rawRules are VisibleRaw's rules for a resource type.
type rawRules struct {
	core map[string]rawRule
	// ext holds, by extension URN, the rule of each declared attribute;
	// an attribute missing from it is not declared (Visible drops it).
	ext map[string]map[string]rawRule
	// needStatus: a user whose document has no status gets a derived one
	// (deriveStatus).
	needStatus bool
}

// rawRulesCache holds the rules by resource type (rulesKey): a tenant's
// schema set is made once per version and its copies share their
// attribute lists, so the keys are few and long-lived. A key holds the
// lists it names, which are never changed nor freed while it does.
var rawRulesCache sync.Map // rulesKey → *rawRules

// maxKeyedExtensions is the most extensions a rulesKey names; the rules of
// a type with more are made at every call.
const maxKeyedExtensions = 4

// A rulesKey names a resource type by its name and the attribute lists of
// its schema and extensions: each by its first element and its length,
// so that two lists sharing an array are told apart.
type rulesKey struct {
	name    string
	core    *schema.CoreAttribute
	coreLen int
	extIDs  [maxKeyedExtensions]string
	extAttr [maxKeyedExtensions]*schema.CoreAttribute
	extLen  [maxKeyedExtensions]int
}

func rulesKeyOf(rt *schemas.ResourceType) (rulesKey, bool) {
	k := rulesKey{name: rt.Name, core: firstAttr(rt.Schema.Attributes), coreLen: len(rt.Schema.Attributes)}
	if len(rt.Extensions) > maxKeyedExtensions {
		return k, false
	}
	for i, e := range rt.Extensions {
		k.extIDs[i], k.extAttr[i], k.extLen[i] = e.Schema.ID, firstAttr(e.Schema.Attributes), len(e.Schema.Attributes)
	}
	return k, true
}

func firstAttr(l schema.Attributes) *schema.CoreAttribute {
	if len(l) == 0 {
		return nil
	}
	return &l[0]
}

// maxRawRules bounds rawRulesCache, which is emptied when it is full.
const maxRawRules = 1024

var rawRulesCount struct {
	sync.Mutex
	n int
}

func rulesOf(rt *schemas.ResourceType) *rawRules {
	key, keyed := rulesKeyOf(rt)
	if r, ok := rawRulesCache.Load(key); keyed && ok {
		return r.(*rawRules)
	}
	r := &rawRules{core: map[string]rawRule{}, ext: map[string]map[string]rawRule{}}
	for _, a := range rt.Schema.Attributes {
		r.core[a.Name()] = ruleOf(a)
	}
	for _, e := range rt.Extensions {
		m := map[string]rawRule{}
		for _, a := range e.Schema.Attributes {
			m[a.Name()] = ruleOf(a)
			if m[a.Name()] == drop {
				m[a.Name()] = decode // Visible drops it from the extension object: decode
			}
		}
		r.ext[e.Schema.ID] = m
		if rt.Name == schemas.UserType && e.Schema.ID == schemas.ScimdUserURN {
			r.needStatus = true
		}
	}
	if !keyed {
		return r
	}
	rawRulesCount.Lock()
	if rawRulesCount.n >= maxRawRules {
		rawRulesCache.Clear()
		rawRulesCount.n = 0
	}
	rawRulesCount.n++
	rawRulesCount.Unlock()
	rawRulesCache.Store(key, r)
	return r
}

func ruleOf(a schema.CoreAttribute) rawRule {
	if a.Returned() == "never" {
		return drop
	}
	for _, sub := range a.SubAttributes() {
		if sub.Returned() == "never" {
			return decode
		}
	}
	return keep
}
