package scim

import (
	"bufio"
	"encoding/json"
	"net/http"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// serveGet answers GET /Users/{id} and /Groups/{id}, with projection and
// If-None-Match. A group's members are read only when the response
// includes them, and streamed when it includes them all.
func (h *Handler) serveGet(w http.ResponseWriter, r *http.Request, c *call) error {
	typ, id := c.typ, r.PathValue("id")
	rt, err := c.scope.ResourceType(typ)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	attributes, excluded := q.Get("attributes"), q.Get("excludedAttributes")
	opts := readOptions(rt, attributes, excluded)
	stream := opts.Members && attributes == "" && excluded == ""
	if stream {
		opts.Members = false
	}
	whole := attributes == "" && excluded == ""
	opts.Raw = whole && rt.Name == schemas.UserType
	res, err := h.dir.Get(r.Context(), c.scope, typ, id, opts)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(res.Meta.Version))
	if noneMatch(r, res.Meta.Version) {
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Location", c.base+rt.Endpoint+"/"+res.ID)
	if whole {
		if b, ok := renderRaw(make([]byte, 0, 2*len(res.Doc)+512), c, rt, res); ok {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(b)
			return nil
		}
	}
	if res, err = decoded(res); err != nil {
		return err
	}
	obj := parseProjection(rt, attributes, excluded).apply(render(c, rt, res))
	if stream {
		return h.streamMembers(w, r, c, res.ID, obj)
	}
	writeJSON(w, http.StatusOK, obj)
	return nil
}

// A memberJSON is one element of a group's members, its fields in the
// order encoding/json gives a map's keys.
type memberJSON struct {
	Ref     string `json:"$ref"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type"`
	Value   string `json:"value"`
}

// streamMembers writes a group whose members are read and written one at
// a time, so that a group of 100,000 members costs no more memory than a
// group of ten. The status is sent before the members are read: if the
// database fails midway, the response is cut off (the client sees a
// truncated body, never a complete-looking group without its members). A
// group without members is written without the attribute.
func (h *Handler) streamMembers(w http.ResponseWriter, r *http.Request, c *call, id string, group map[string]any) error {
	head, err := json.Marshal(group)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	_, _ = bw.Write(head[:len(head)-1])
	enc := json.NewEncoder(bw)
	first := true
	err = h.dir.EachMember(r.Context(), c.scope, id, func(m storage.Member) error {
		sep := ","
		if first { // the attribute opens with its first member
			sep = `"members":[`
			if len(head) > 2 {
				sep = "," + sep
			}
		}
		if _, err := bw.WriteString(sep); err != nil {
			return err
		}
		first = false
		endpoint := "/Users/"
		if m.Type == schemas.GroupType {
			endpoint = "/Groups/"
		}
		// Encode appends a newline, which JSON allows between tokens.
		return enc.Encode(memberJSON{Ref: c.base + endpoint + m.Value, Display: m.Display, Type: m.Type, Value: m.Value})
	})
	if err != nil {
		_ = toSCIMError(h.log, r, err) // logs it without its text reaching the client
		panic(http.ErrAbortHandler)
	}
	if !first {
		_ = bw.WriteByte(']')
	}
	// A group without members has no members attribute (RFC 7643 §2.5).
	_ = bw.WriteByte('}')
	_ = bw.Flush()
	return nil
}
