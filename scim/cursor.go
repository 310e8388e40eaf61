package scim

import (
	"container/list"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sync"

	"github.com/scimd/scimd/storage"
)

// A cursorCodec wraps storage's keyset cursors for clients (RFC 9865): the
// token is signed, so it cannot be forged or edited, and names its tenant
// and query, so it cannot be replayed elsewhere.
type cursorCodec struct{ key []byte }

type cursorPayload struct {
	Tenant string `json:"t"`
	Query  string `json:"q"` // fingerprint of filter and sort
	Cursor string `json:"c"` // storage's cursor
}

const macLen = 16

func (c cursorCodec) encode(tenant storage.TenantID, query, cursor string) string {
	b, _ := json.Marshal(cursorPayload{Tenant: string(tenant), Query: query, Cursor: cursor})
	return base64.RawURLEncoding.EncodeToString(append(b, c.mac(b)...))
}

// decode returns storage's cursor, or storage.ErrInvalidCursor.
func (c cursorCodec) decode(tenant storage.TenantID, query, token string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) <= macLen {
		return "", storage.ErrInvalidCursor
	}
	body, mac := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if !hmac.Equal(mac, c.mac(body)) {
		return "", storage.ErrInvalidCursor
	}
	var p cursorPayload
	if json.Unmarshal(body, &p) != nil || p.Tenant != string(tenant) || p.Query != query {
		return "", storage.ErrInvalidCursor
	}
	return p.Cursor, nil
}

func (c cursorCodec) mac(b []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write(b)
	return m.Sum(nil)[:macLen]
}

// A walkCache remembers where index-mode pages end, so that the next page
// of a sequential startIndex walk (Okta's import) continues from a keyset
// position instead of an OFFSET that reads every earlier row. It is an LRU
// keyed by tenant, query and start index.
type walkCache struct {
	mu    sync.Mutex
	max   int
	order *list.List                // of walkKey, most recent first
	items map[walkKey]*list.Element // guarded by mu
}

type walkKey struct {
	tenant storage.TenantID
	query  string
	start  int
}

// A walkEntry is where a walk's next page starts and the total its first
// page counted.
type walkEntry struct {
	key    walkKey
	cursor string
	total  int
}

func newWalkCache(size int) *walkCache {
	return &walkCache{max: size, order: list.New(), items: make(map[walkKey]*list.Element)}
}

func (c *walkCache) get(k walkKey) (walkEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return walkEntry{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(walkEntry), true
}

func (c *walkCache) put(k walkKey, e walkEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.key = k
	if el, ok := c.items[k]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(e)
	if c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(walkEntry).key)
	}
}
