package patch

import (
	"strings"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// isMembers reports whether attr is the members of a group, which live in
// storage's member lists rather than in the document.
func isMembers(rt *schemas.ResourceType, attr schemas.Attribute) bool {
	return rt.Name == schemas.GroupType && !attr.Extension && attr.SchemaURN == rt.Schema.ID &&
		attr.Def.Name() == "members"
}

// memberChanges collects the member operations of one PATCH request. With
// replace set, list is the complete new member list; otherwise the group
// loses the members in remove and then gains those in add, which is the
// order storage applies them in.
type memberChanges struct {
	replace bool
	list    memberSet
	add     memberSet
	remove  memberSet
}

func (c *memberChanges) addMember(m storage.Member) {
	if c.replace {
		c.list.put(m)
		return
	}
	c.add.put(m)
}

func (c *memberChanges) removeMember(id string) {
	if c.replace {
		c.list.del(id)
		return
	}
	c.add.del(id)
	c.remove.put(storage.Member{Value: id})
}

func (c *memberChanges) replaceAll(list []storage.Member) {
	*c = memberChanges{replace: true}
	for _, m := range list {
		c.list.put(m)
	}
}

// current returns the member list as the operations so far leave it, given
// the list before them, or nil when that is unknown and needed.
func (c *memberChanges) current(before []storage.Member) []storage.Member {
	if c.replace {
		return c.list.members()
	}
	if before == nil {
		return nil
	}
	var s memberSet
	for _, m := range before {
		if !c.remove.has(m.Value) {
			s.put(m)
		}
	}
	for _, m := range c.add.members() {
		s.put(m)
	}
	return s.members()
}

// edit writes the member changes into e. When the member list before the
// operations is known, changes that change nothing are dropped, so that
// re-adding a member or replacing the list with itself writes nothing.
func (c *memberChanges) edit(e *storage.Edit, before []storage.Member) {
	if before == nil {
		if c.replace {
			e.ReplaceMembers, e.Members = true, c.list.members()
		} else {
			e.AddMembers, e.RemoveMembers = c.add.members(), c.remove.ids()
		}
		return
	}
	var was, is memberSet
	for _, m := range before {
		was.put(m)
	}
	after := c.current(before)
	for _, m := range after {
		is.put(m)
		if !was.has(m.Value) {
			e.AddMembers = append(e.AddMembers, m)
		}
	}
	for _, m := range before {
		if !is.has(m.Value) {
			e.RemoveMembers = append(e.RemoveMembers, m.Value)
		}
	}
}

// A memberSet is an ordered set of members keyed by id, with constant-time
// additions, removals and lookups.
type memberSet struct {
	order []storage.Member
	in    map[string]bool // id → member now; false: was in order, removed since
}

func (s *memberSet) put(m storage.Member) {
	if s.in == nil {
		s.in = make(map[string]bool)
	}
	if _, seen := s.in[m.Value]; !seen {
		s.order = append(s.order, m)
	}
	s.in[m.Value] = true
}

func (s *memberSet) del(id string) {
	if s.in[id] {
		s.in[id] = false
	}
}

func (s *memberSet) has(id string) bool { return s.in[id] }

// members returns the members in the order they were first put, never nil.
func (s *memberSet) members() []storage.Member {
	out := make([]storage.Member, 0, len(s.order))
	for _, m := range s.order {
		if s.in[m.Value] {
			out = append(out, m)
		}
	}
	return out
}

func (s *memberSet) ids() []string {
	out := make([]string, 0, len(s.order))
	for _, m := range s.members() {
		out = append(out, m.Value)
	}
	return out
}

// updateMembers applies add or replace to members. Their sub-attributes
// are immutable: members are added and removed, never edited in place.
func (a *applier) updateMembers(op string, t target, v any) error {
	if t.filter != nil || t.sub != nil {
		return errMutability("%s: members cannot be edited in place; add or remove members instead", t.name)
	}
	list, err := memberList(t.name, v)
	if err != nil {
		return err
	}
	if op == opReplace {
		a.members.replaceAll(list)
		return nil
	}
	for _, m := range list {
		a.members.addMember(m)
	}
	return nil
}

// removeMembers applies a remove to members: all of them (no value, no
// filter), the listed ones (a value, as Entra ID sends), or those a filter
// selects. A filter that is an "or" of [value eq "id"] needs no member
// list; any other filter needs the current members.
func (a *applier) removeMembers(t target, v any) error {
	switch {
	case t.sub != nil:
		return errMutability("%s: members cannot be edited in place; remove the member instead", t.name)
	case t.filter != nil:
		if ids, ok := t.filter.valueIDs(); ok {
			for _, id := range ids {
				a.members.removeMember(id)
			}
			return nil
		}
		cur := a.members.current(a.opts.Members)
		if cur == nil {
			return errNeedMembers
		}
		var ids []string
		for _, m := range cur {
			if t.filter.match(map[string]any{"value": m.Value, "type": m.Type}) {
				ids = append(ids, m.Value)
			}
		}
		for _, id := range ids {
			a.members.removeMember(id)
		}
		return nil
	case v == nil:
		a.members.replaceAll(nil)
		return nil
	}
	list, err := memberList(t.name, v)
	if err != nil {
		return err
	}
	for _, m := range list {
		a.members.removeMember(m.Value)
	}
	return nil
}

// memberList reads a members value: a list of {"value": id, "type"?,
// "display"?, "$ref"?}, one such object, or an id string. $ref is derived
// from the id, so it is not kept.
func memberList(path string, v any) ([]storage.Member, error) {
	if isEmpty(v) {
		return nil, nil
	}
	var out []storage.Member
	for _, el := range asList(v) {
		var m storage.Member
		switch el := el.(type) {
		case string:
			m.Value = el
		case map[string]any:
			m.Value, _ = lookup(el, "value").(string)
			m.Display, _ = lookup(el, "display").(string)
			typ, _ := lookup(el, "type").(string)
			for _, known := range []string{schemas.UserType, schemas.GroupType} {
				if strings.EqualFold(typ, known) {
					m.Type = known
				}
			}
		case nil:
			continue
		default:
			return nil, errInvalidValue("%s: each member must be an object with a value (the id of a user or group), got %s", path, describeValue(el))
		}
		if m.Value == "" {
			return nil, errInvalidValue("%s: each member needs a value: the id of a user or group", path)
		}
		out = append(out, m)
	}
	return out, nil
}
