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

const tokenUsage = `Usage:
  scimd token create --tenant NAME --name LABEL [--json] [--db DATABASE]
  scimd token list --tenant NAME [--json] [--db DATABASE]
  scimd token revoke --tenant NAME ID [--db DATABASE]

A token is a SCIM bearer credential of one tenant. create prints the new
token, only this once: scimd keeps only its hash. LABEL is 1 to 64
characters and unique among the tenant's valid tokens. list shows every
token's ID, label and times, never the token. A revoked token never
authenticates again.

--db (env SCIMD_DB) names the database as for "scimd serve"; the default is
` + defaultDB + `. Run "scimd token <command> -h" for the flags of a command.
`

// tokenCommands are the subcommands of "scimd token".
var tokenCommands = map[string]func() command{
	"create": func() command {
		var tenant, name string
		var asJSON bool
		return command{
			name: "token create", synopsis: "--tenant NAME --name LABEL [--json] [--db DATABASE]",
			flags: func(fs *flag.FlagSet) {
				fs.StringVar(&tenant, "tenant", "", "the tenant's `name` (required)")
				fs.StringVar(&name, "name", "", "the token's `label`, e.g. okta (required)")
				fs.BoolVar(&asJSON, "json", false, "print one JSON object: tenant, scim_base_path, id, name, token")
			},
			check: func() error { return required("--tenant", tenant, "--name", name) },
			run: func(ctx context.Context, store storage.Store, _ []string, stdout io.Writer) error {
				t, err := lookupTenant(ctx, store, tenant)
				if err != nil {
					return err
				}
				token, hash, err := credentials.NewToken()
				if err != nil {
					return err
				}
				c, err := store.CreateCredential(ctx, t.ID, name, hash)
				if err != nil {
					return credentialError(err, t.Name, name)
				}
				if asJSON {
					return writeJSON(stdout, struct {
						Tenant       string `json:"tenant"`
						SCIMBasePath string `json:"scim_base_path"`
						ID           string `json:"id"`
						Name         string `json:"name"`
						Token        string `json:"token"`
					}{t.Name, scimBasePath(t.Name), c.ID, c.Name, token})
				}
				_, err = fmt.Fprintf(stdout, "Created token %q (ID %s) for tenant %s.\nSCIM base path: %s\nBearer token:   %s\n"+
					"The token is shown only this once; scimd keeps only its hash.\n",
					c.Name, c.ID, t.Name, scimBasePath(t.Name), token)
				return err
			},
		}
	},
	"list": func() command {
		var tenant string
		var asJSON bool
		return command{
			name: "token list", synopsis: "--tenant NAME [--json] [--db DATABASE]",
			flags: func(fs *flag.FlagSet) {
				fs.StringVar(&tenant, "tenant", "", "the tenant's `name` (required)")
				fs.BoolVar(&asJSON, "json", false, "print a JSON array of {id, name, created, last_used, revoked}")
			},
			check: func() error { return required("--tenant", tenant) },
			run: func(ctx context.Context, store storage.Store, _ []string, stdout io.Writer) error {
				t, err := lookupTenant(ctx, store, tenant)
				if err != nil {
					return err
				}
				list, err := store.Credentials(ctx, t.ID)
				if err != nil {
					return fmt.Errorf("list tokens of tenant %s: %w", t.Name, err)
				}
				if asJSON {
					type credentialJSON struct {
						ID       string     `json:"id"`
						Name     string     `json:"name"`
						Created  time.Time  `json:"created"`
						LastUsed *time.Time `json:"last_used"`
						Revoked  *time.Time `json:"revoked"`
					}
					out := make([]credentialJSON, 0, len(list))
					for _, c := range list {
						out = append(out, credentialJSON{c.ID, c.Name, c.Created, c.LastUsed, c.Revoked})
					}
					return writeJSON(stdout, out)
				}
				tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
				_, _ = fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED\tREVOKED")
				for _, c := range list {
					_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, fmtTime(&c.Created), fmtTime(c.LastUsed), fmtTime(c.Revoked))
				}
				return tw.Flush()
			},
		}
	},
	"revoke": func() command {
		var tenant string
		return command{
			name: "token revoke", synopsis: "--tenant NAME ID [--db DATABASE]", args: 1,
			flags: func(fs *flag.FlagSet) {
				fs.StringVar(&tenant, "tenant", "", "the tenant's `name` (required)")
			},
			check: func() error { return required("--tenant", tenant) },
			run: func(ctx context.Context, store storage.Store, args []string, stdout io.Writer) error {
				t, err := lookupTenant(ctx, store, tenant)
				if err != nil {
					return err
				}
				id := args[0]
				if err := store.RevokeCredential(ctx, t.ID, id); err != nil {
					if errors.Is(err, storage.ErrNotFound) {
						return fmt.Errorf("tenant %s has no token with ID %q (see scimd token list --tenant %s)", t.Name, id, t.Name)
					}
					return fmt.Errorf("revoke token %s: %w", id, err)
				}
				_, err = fmt.Fprintf(stdout, "Revoked token %s of tenant %s.\n", id, t.Name)
				return err
			},
		}
	},
}

// credentialError explains a failed CreateCredential.
func credentialError(err error, tenant, name string) error {
	var ve *storage.ValueError
	switch {
	case errors.As(err, &ve):
		return fmt.Errorf("invalid token name %q: %s", name, ve.Detail)
	case errors.Is(err, storage.ErrConflict):
		return fmt.Errorf("tenant %s has a valid token named %q already; pick another name or revoke that one first", tenant, name)
	}
	return fmt.Errorf("create token: %w", err)
}
