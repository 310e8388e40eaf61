package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/scimd/scimd/directory"
	"github.com/scimd/scimd/storage"
)

const schemaUsage = `Usage: scimd schema COMMAND [flags]

Commands:
  get --tenant NAME             print the tenant's custom schema definition (JSON)
  set --tenant NAME FILE.json   make FILE.json the tenant's custom schema definition

A definition lists custom attributes of users and groups:
  {"User": [{"name": "badgeId", "type": "string", "identifier": true},
            {"name": "hireDate", "type": "dateTime"}],
   "Group": [{"name": "costCenter", "type": "string"}]}
They appear under urn:scimd:schemas:extension:tenant:2.0:User (and :Group)
from the next request on; no restart is needed. "uniqueEmails": true beside
"User" makes every email address belong to at most one user of the tenant.
Run "scimd schema COMMAND -h" for a command's flags.
`

// schemaCommands are the subcommands of "scimd schema".
var schemaCommands = map[string]func() command{
	"get": func() command {
		var tenant string
		return command{
			name: "schema get", synopsis: "--tenant NAME [--db DATABASE]",
			flags: func(fs *flag.FlagSet) { fs.StringVar(&tenant, "tenant", "", "tenant `name`") },
			check: func() error { return required("--tenant", tenant) },
			run: func(ctx context.Context, store storage.Store, _ []string, stdout io.Writer) error {
				t, err := lookupTenant(ctx, store, tenant)
				if err != nil {
					return err
				}
				dir, err := directory.New(directory.Config{Store: store})
				if err != nil {
					return err
				}
				d, version, err := dir.TenantDefinition(ctx, t)
				if err != nil {
					return fmt.Errorf("read the schema of %s: %w", tenant, err)
				}
				return writeJSON(stdout, struct {
					Version    int64 `json:"version"`
					Definition any   `json:"definition"`
				}{version, d})
			},
		}
	},
	"set": func() command {
		var tenant string
		return command{
			name: "schema set", synopsis: "--tenant NAME FILE.json [--db DATABASE]", args: 1,
			flags: func(fs *flag.FlagSet) { fs.StringVar(&tenant, "tenant", "", "tenant `name`") },
			check: func() error { return required("--tenant", tenant) },
			run: func(ctx context.Context, store storage.Store, args []string, stdout io.Writer) error {
				raw, err := os.ReadFile(args[0])
				if err != nil {
					return err
				}
				t, err := lookupTenant(ctx, store, tenant)
				if err != nil {
					return err
				}
				dir, err := directory.New(directory.Config{Store: store})
				if err != nil {
					return err
				}
				version, err := dir.ApplyDefinition(ctx, t, storage.ActorFrom(ctx), raw)
				if err != nil {
					return fmt.Errorf("set the schema of %s: %w", tenant, err)
				}
				return writeJSON(stdout, struct {
					Tenant  string `json:"tenant"`
					Version int64  `json:"version"`
				}{tenant, version})
			},
		}
	},
}
