package sqlstore

import (
	"sync"
	"time"

	"github.com/scimd/scimd/storage"
)

// maxAuthCached bounds the entries of an authCache; a full cache is emptied
// (bearer tokens in use are few: one or two per tenant's clients).
const maxAuthCached = 4096

// An authCache keeps the answers of Authenticate for storage.AuthCacheTTL,
// so that a request costs no query to authenticate. Only successes are
// kept: a wrong token always reaches the database. The store drops a
// tenant's entries when it revokes one of its credentials, deletes it or
// changes its schema, or when a write finds the tenant's schema changed, so
// that the instance that made the change sees it at once; every other
// instance sees it when its entries expire, within AuthCacheTTL.
type authCache struct {
	mu      sync.Mutex
	entries map[authKey]authEntry // guarded by mu
	// gen counts the calls of forget, so that a lookup that began before
	// one does not put back what it dropped. Guarded by mu.
	gen uint64
}

type authKey struct {
	tenantName string
	tokenHash  string
}

type authEntry struct {
	tenant  storage.Tenant
	cred    storage.Credential
	expires time.Time
}

// get returns a live entry, or the generation to put the database's
// answer with.
func (c *authCache) get(name string, hash []byte, now time.Time) (storage.Tenant, storage.Credential, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[authKey{name, string(hash)}]
	if !ok || !now.Before(e.expires) {
		return storage.Tenant{}, storage.Credential{}, c.gen, false
	}
	return e.tenant, e.cred, c.gen, true
}

// put keeps an answer read from the database in generation gen, unless a
// forget came since.
func (c *authCache) put(name string, hash []byte, t storage.Tenant, cred storage.Credential, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= maxAuthCached {
		c.entries = make(map[authKey]authEntry)
	}
	c.entries[authKey{name, string(hash)}] = authEntry{tenant: t, cred: cred, expires: now.Add(storage.AuthCacheTTL)}
}

// forget drops the entries of a tenant.
func (c *authCache) forget(tenant storage.TenantID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if e.tenant.ID == tenant {
			delete(c.entries, k)
		}
	}
}
