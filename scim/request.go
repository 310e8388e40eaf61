package scim

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/internal/reqlog"
	"github.com/scimd/scimd/storage"
)

// A call is what scimd knows about a request once its tenant and
// credential are established. Handlers receive it as an argument.
type call struct {
	typ string // the resource type of the route, or ""
	// scope is the tenant, its schema set and the credential as the actor
	// of the request's writes, for the directory service.
	scope directory.Scope
	base  string // absolute URL of the tenant's SCIM base, for locations
	// body is the request body, read and checked (readBody) for every
	// method but GET, HEAD and DELETE; handlers decode it once.
	body []byte
}

// begin authenticates a request, applies the rate limit, resolves the
// tenant's schema set and reads the body, for a route of resource type
// typ.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request, typ string) (*call, error) {
	name := r.PathValue("tenant")
	// The request log names the tenant of the path, authenticated or not,
	// and the credential once authenticated.
	reqlog.Annotate(w, name, "")
	tenant, cred, err := h.authenticate(r, name)
	if err != nil {
		return nil, err
	}
	reqlog.Annotate(w, "", cred.ID)
	if h.limiter != nil {
		if err := h.limiter.allow(w, tenant.ID, cred.ID); err != nil {
			return nil, err
		}
	}
	actor := storage.Actor{Kind: storage.ActorSCIM, ID: cred.ID, Name: cred.Name}
	sc, err := h.dir.Scope(r.Context(), tenant, actor)
	if err != nil {
		return nil, err
	}
	c := &call{typ: typ, scope: sc, base: baseURL(r, name)}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodDelete {
		if c.body, err = h.readBody(w, r); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// readBody reads a request body under the size limit and checks that it is
// JSON text as scimd reads it (checkBody). An empty body gives nil.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return nil, errorf(http.StatusRequestEntityTooLarge, "", "the request body is larger than the limit of "+
			strconv.FormatInt(h.cfg.MaxBodyBytes, 10)+" bytes")
	}
	if err != nil {
		return nil, errorf(http.StatusBadRequest, scimerrors.ScimTypeInvalidSyntax, "the request body could not be read")
	}
	if err := checkBody(r, body); err != nil {
		return nil, err
	}
	return body, nil
}
