package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/scimd/scimd/credentials"
	"github.com/scimd/scimd/storage"
)

// firstCredential is the name of the credential "tenant create" and the
// first start of serve make with a new tenant.
const firstCredential = "default"

const tenantUsage = `Usage:
  scimd tenant create NAME [--json] [--db DATABASE]
  scimd tenant list [--json] [--db DATABASE]
  scimd tenant delete NAME --yes [--db DATABASE]

create makes a tenant and its first SCIM credential, named "default", and
prints the tenant's SCIM base path and the credential's bearer token. The
token is shown only this once: scimd keeps only its hash. With --json, create
prints one JSON object:

  {"tenant":"NAME","scim_base_path":"/tenants/NAME/scim/v2","token":"scimd_..."}

delete removes the tenant with all its users, groups and credentials.

--db (env SCIMD_DB) names the database as for "scimd serve"; the default is
` + defaultDB + `. Run "scimd tenant <command> -h" for the flags of a command.
`

// tenantCommands are the subcommands of "scimd tenant".
var tenantCommands = map[string]func() command{
	"create": func() command {
		var asJSON bool
		return command{
			name: "tenant create", synopsis: "NAME [--json] [--db DATABASE]", args: 1,
			flags: func(fs *flag.FlagSet) {
				fs.BoolVar(&asJSON, "json", false, "print one JSON object: tenant, scim_base_path, token")
			},
			run: func(ctx context.Context, store storage.Store, args []string, stdout io.Writer) error {
				name := args[0]
				token, err := createTenantWithToken(ctx, store, name)
				if err != nil {
					return err
				}
				if asJSON {
					// Scripts read these keys, in this order.
					return writeJSON(stdout, struct {
						Tenant       string `json:"tenant"`
						SCIMBasePath string `json:"scim_base_path"`
						Token        string `json:"token"`
					}{name, scimBasePath(name), token})
				}
				_, err = fmt.Fprintf(stdout, "Created tenant %s.\nSCIM base path: %s\nBearer token:   %s\n"+
					"The token is shown only this once; scimd keeps only its hash.\n",
					name, scimBasePath(name), token)
				return err
			},
		}
	},
	"list": func() command {
		var asJSON bool
		return command{
			name: "tenant list", synopsis: "[--json] [--db DATABASE]",
			flags: func(fs *flag.FlagSet) {
				fs.BoolVar(&asJSON, "json", false, "print a JSON array of {name, id, created, scim_base_path}")
			},
			run: func(ctx context.Context, store storage.Store, _ []string, stdout io.Writer) error {
				list, err := store.Tenants(ctx)
				if err != nil {
					return fmt.Errorf("list tenants: %w", err)
				}
				if asJSON {
					type tenantJSON struct {
						Name         string    `json:"name"`
						ID           string    `json:"id"`
						Created      time.Time `json:"created"`
						SCIMBasePath string    `json:"scim_base_path"`
					}
					out := make([]tenantJSON, 0, len(list))
					for _, t := range list {
						out = append(out, tenantJSON{t.Name, string(t.ID), t.Created, scimBasePath(t.Name)})
					}
					return writeJSON(stdout, out)
				}
				tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
				_, _ = fmt.Fprintln(tw, "NAME\tCREATED\tSCIM BASE PATH")
				for _, t := range list {
					_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, fmtTime(&t.Created), scimBasePath(t.Name))
				}
				return tw.Flush()
			},
		}
	},
	"delete": func() command {
		var yes bool
		return command{
			name: "tenant delete", synopsis: "NAME --yes [--db DATABASE]", args: 1,
			flags: func(fs *flag.FlagSet) {
				fs.BoolVar(&yes, "yes", false, "confirm: delete the tenant and all its users, groups and credentials")
			},
			check: func() error {
				if !yes {
					return errors.New("deleting a tenant deletes all its users, groups and credentials; confirm with --yes")
				}
				return nil
			},
			run: func(ctx context.Context, store storage.Store, args []string, stdout io.Writer) error {
				t, err := lookupTenant(ctx, store, args[0])
				if err != nil {
					return err
				}
				if err := store.DeleteTenant(ctx, t.ID); err != nil {
					return fmt.Errorf("delete tenant %s: %w", t.Name, err)
				}
				_, err = fmt.Fprintf(stdout, "Deleted tenant %s with all its users, groups and credentials.\n", t.Name)
				return err
			},
		}
	},
}

// createTenantWithToken creates a tenant and its first credential, and
// returns the credential's token. If the credential cannot be made, it
// deletes the tenant again, so that the command can simply be repeated.
func createTenantWithToken(ctx context.Context, store storage.Store, name string) (string, error) {
	t, err := store.CreateTenant(ctx, name)
	if err != nil {
		var ve *storage.ValueError
		switch {
		case errors.As(err, &ve):
			return "", fmt.Errorf("invalid tenant name %q: %s", name, ve.Detail)
		case errors.Is(err, storage.ErrConflict):
			return "", tenantExistsError(name)
		}
		return "", fmt.Errorf("create tenant %s: %w", name, err)
	}
	token, hash, err := credentials.NewToken()
	if err == nil {
		_, err = store.CreateCredential(ctx, t.ID, firstCredential, hash)
	}
	if err != nil {
		if derr := store.DeleteTenant(context.WithoutCancel(ctx), t.ID); derr != nil {
			err = errors.Join(err, fmt.Errorf("delete the half-made tenant: %w", derr))
		}
		return "", fmt.Errorf("create the first token of tenant %s: %w", name, err)
	}
	return token, nil
}

// tenantExistsError is returned by createTenantWithToken when the name is
// taken. It is a storage.ErrConflict.
type tenantExistsError string

func (e tenantExistsError) Error() string { return "tenant " + string(e) + " exists already" }
func (e tenantExistsError) Unwrap() error { return storage.ErrConflict }
