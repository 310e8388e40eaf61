package patch

import (
	"errors"
	"slices"
	"strings"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Options carry what Apply needs to know beyond the document.
type Options struct {
	// ID is the resource's id. A path-less value that repeats it under "id"
	// is accepted (Okta sends one with every group rename); any other id is
	// a mutability error.
	ID string
	// Members is the group's current member list when the caller loaded
	// it, and nil otherwise. Apply asks for it with Result.NeedMembers.
	Members []storage.Member
}

// Result is the outcome of Apply.
type Result struct {
	// Doc is the new document: a deep copy, even when nothing changed. The
	// input document is never modified.
	Doc map[string]any
	// Edit is what to hand to storage.Store.Update: Attributes is Doc when
	// the document changed and nil when it did not, and member changes of
	// groups are set as the operations ask.
	Edit storage.Edit
	// NeedMembers is set, with no error and nothing else, when an operation
	// needs the group's current member list (a remove whose filter is not
	// an "or" of [value eq "id"]) and Options.Members is nil. Load the
	// members and call Apply again with them.
	NeedMembers bool
}

// Operation names, as Parse delivers them (lower case).
const (
	opAdd     = "add"
	opReplace = "replace"
	opRemove  = "remove"
)

// Apply applies PATCH operations, in order, to a resource document of type
// rt and returns the new document and the membership changes. Either every
// operation applies or Apply returns an error: a scimerrors.ScimError value
// whose detail names the operation and the path.
func Apply(rt *schemas.ResourceType, doc map[string]any, ops []Operation, opts Options) (Result, error) {
	if rt == nil {
		return Result{}, errors.New("patch: no resource type")
	}
	a := &applier{rt: rt, opts: opts, doc: copyDoc(doc)}
	for i, op := range ops {
		name := strings.ToLower(op.Op)
		if err := a.apply(name, op); err != nil {
			if errors.Is(err, errNeedMembers) {
				return Result{NeedMembers: true}, nil
			}
			return Result{}, inOperation(err, i, len(ops), name)
		}
	}
	res := Result{Doc: a.doc}
	if !sameValue(copyDoc(doc), a.doc) {
		res.Edit.Attributes = a.doc
	}
	a.members.edit(&res.Edit, opts.Members)
	return res, nil
}

// An applier holds the state of one Apply call.
type applier struct {
	rt      *schemas.ResourceType
	opts    Options
	doc     map[string]any // the working copy
	members memberChanges
}

func (a *applier) apply(name string, op Operation) error {
	switch name {
	case opAdd, opReplace:
		if op.Path == nil {
			return a.pathless(name, op.Value)
		}
		t, err := a.resolveExplicit(op)
		if err != nil {
			return err
		}
		return a.update(name, t, op.Value)
	case opRemove:
		if op.Path == nil {
			return errNoTarget("a path is required to say what to remove")
		}
		t, err := a.resolveExplicit(op)
		if err != nil {
			return err
		}
		return a.remove(t, op.Value)
	}
	return errInvalidSyntax("op must be add, replace or remove, not %q", op.Op)
}

// resolveExplicit resolves the path of an operation and refuses paths that
// name no attribute or a read-only one.
func (a *applier) resolveExplicit(op Operation) (target, error) {
	name := op.Path.String()
	if name == "" {
		name = `""`
	}
	t, err := a.resolve(*op.Path, name)
	if errors.Is(err, errUnknown) {
		return target{}, errInvalidPath("%s: the %s schema has no such attribute", name, a.rt.Name)
	}
	if err != nil {
		return target{}, err
	}
	if t.schemaURN != "" || a.ignored(t) {
		return t, nil
	}
	if ro := t.readOnlyPart(); ro != "" {
		if t.isID() && t.sub == nil && t.filter == nil && a.isOwnID(op.Value) && strings.ToLower(op.Op) != opRemove {
			return t, nil
		}
		return target{}, errMutability("%s: %s is read-only; the server maintains it", name, ro)
	}
	return t, nil
}

// pathless applies an add or replace without a path: every key of the value
// object is an attribute path of its own (RFC 7644 §3.5.2.1, §3.5.2.3).
func (a *applier) pathless(op string, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return errInvalidValue("without a path the value must be an object of attributes, got %s", describeValue(v))
	}
	for _, key := range sortedKeys(obj) {
		t, err := a.parseKey(key)
		if errors.Is(err, errUnknown) {
			continue
		}
		if err != nil {
			return err
		}
		if err := a.pathlessKey(op, t, obj[key]); err != nil {
			return err
		}
	}
	return nil
}

// pathlessKey applies one key of a path-less value. Read-only attributes are
// ignored when their value is empty (Parse empties read-only input) or,
// for id, when it is the resource's own id (Okta).
func (a *applier) pathlessKey(op string, t target, v any) error {
	if t.schemaURN != "" {
		return a.container(op, t, v)
	}
	if a.ignored(t) {
		return nil
	}
	if ro := t.readOnlyPart(); ro != "" {
		if isEmptyDeep(v) || (t.isID() && a.isOwnID(v)) {
			return nil
		}
		if t.isID() {
			return errMutability("id %s is not this resource's id; id is assigned by the server and cannot change", describeValue(v))
		}
		return errMutability("%s: %s is read-only; the server maintains it", t.name, ro)
	}
	return a.update(op, t, v)
}

// container applies the value of a whole schema: an object whose keys are
// attributes of that schema, such as
// {"urn:…:enterprise:2.0:User": {"department": "x"}}.
func (a *applier) container(op string, t target, v any) error {
	if op == opRemove {
		return a.removeSchema(t)
	}
	if v == nil || v == "" {
		if op == opReplace {
			return a.removeSchema(t) // replace with null clears, as for any attribute
		}
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return errInvalidValue("%s: expected an object of the schema's attributes, got %s", t.name, describeValue(v))
	}
	for _, key := range sortedKeys(obj) {
		inner, err := a.parseKeyIn(key, t.schemaURN)
		if errors.Is(err, errUnknown) {
			continue
		}
		if err != nil {
			return err
		}
		if err := a.pathlessKey(op, inner, obj[key]); err != nil {
			return err
		}
	}
	return nil
}

// ignored reports whether a target is one the server derives and PATCH
// leaves alone: "schemas" follows from the attributes present.
func (a *applier) ignored(t target) bool {
	return t.attr.SchemaURN == "" && t.attr.Def.Name() == "schemas"
}

func (t target) isID() bool {
	return t.attr.SchemaURN == "" && t.attr.Def.Name() == "id"
}

// isOwnID reports whether v is the resource's own id.
func (a *applier) isOwnID(v any) bool {
	s, ok := v.(string)
	return ok && a.opts.ID != "" && strings.EqualFold(s, a.opts.ID)
}

// copyDoc returns a deep copy of a document, never nil.
func copyDoc(doc map[string]any) map[string]any {
	if c, ok := deepCopy(doc).(map[string]any); ok {
		return c
	}
	return map[string]any{}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
