package scim

import (
	"sync"

	"github.com/elimity-com/scim"
	"github.com/elimity-com/scim/optional"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A serverCache holds one elimity server per tenant, rebuilt when the
// tenant's schema version changes.
type serverCache struct {
	build func(set schemas.Set, base string) (scim.Server, error)
	mu    sync.RWMutex
	byTen map[storage.TenantID]cachedServer // guarded by mu
}

type cachedServer struct {
	version int64
	base    string // the tenant's base URL, for Location headers
	srv     scim.Server
}

func (c *serverCache) get(tenant storage.TenantID, set schemas.Set, base string) (scim.Server, error) {
	c.mu.RLock()
	cs, ok := c.byTen[tenant]
	c.mu.RUnlock()
	if ok && cs.version == set.Version && cs.base == base {
		return cs.srv, nil
	}
	srv, err := c.build(set, base)
	if err != nil {
		return scim.Server{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byTen == nil {
		c.byTen = make(map[storage.TenantID]cachedServer)
	}
	c.byTen[tenant] = cachedServer{version: set.Version, base: base, srv: srv}
	return srv, nil
}

// newServer builds the elimity server of a tenant's schema set. Its
// handlers read the tenant from the request.
func (h *Handler) newServer(set schemas.Set, base string) (scim.Server, error) {
	var types []scim.ResourceType
	for _, rt := range set.ResourceTypes() {
		var exts []scim.SchemaExtension
		for _, e := range rt.Extensions {
			exts = append(exts, scim.SchemaExtension{Schema: e.Schema, Required: e.Required})
		}
		types = append(types, scim.ResourceType{
			ID:               optional.NewString(rt.Name),
			Name:             rt.Name,
			Description:      optional.NewString(description(rt.Name)),
			Endpoint:         rt.Endpoint,
			Schema:           rt.Schema,
			SchemaExtensions: exts,
			Handler:          &resourceHandler{h: h, typ: rt.Name},
		})
	}
	return scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			MaxResults:       h.cfg.MaxResults,
			SupportFiltering: true,
			SupportPatch:     true,
		},
		ResourceTypes: types,
	}, scim.WithLogger(elimityLogger{h}), scim.WithBaseURL(base))
}

func description(typ string) string {
	if typ == schemas.UserType {
		return "User Account"
	}
	return "Group"
}

// elimityLogger passes the library's few log lines (response write
// failures) to scimd's logger.
type elimityLogger struct{ h *Handler }

func (l elimityLogger) Error(args ...any) { l.h.log.Error("scim library", "details", args) }
