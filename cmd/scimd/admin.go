package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/user"
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

// A command is one subcommand of tenant or token: its flags, how many
// arguments it takes, and what it does with an open store.
type command struct {
	name     string // "tenant create"
	synopsis string // "NAME [--json] [--db DATABASE]"
	args     int    // number of positional arguments
	flags    func(fs *flag.FlagSet)
	check    func() error // validates the flags; nil for none
	run      func(ctx context.Context, store storage.Store, args []string, stdout io.Writer) error
}

// runGroup runs the subcommand of "scimd tenant" or "scimd token" named by
// args[0].
func runGroup(ctx context.Context, group, usage string, cmds map[string]func() command,
	args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		_, _ = fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		_, _ = fmt.Fprint(stdout, usage)
		return nil
	}
	mk, ok := cmds[args[0]]
	if !ok {
		_, _ = fmt.Fprintf(stderr, "scimd %s: unknown command %q\n\n%s", group, args[0], usage)
		return errUsage
	}
	return runCommand(ctx, mk(), args[1:], getenv, stdout, stderr)
}

// runCommand parses the flags and arguments of cmd, opens the database and
// runs cmd. Flags may come before, between and after the arguments. Logs
// (warnings and errors only) go to stderr; stdout is for the command's
// output alone.
func runCommand(ctx context.Context, cmd command, args []string, getenv func(string) string,
	stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	// The default is resolved after parsing so that help never shows the
	// value of SCIMD_DB, which may hold a password.
	var db string
	fs.StringVar(&db, "db", "", "`database`: sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DBNAME?params\n(env SCIMD_DB, default "+defaultDB+")")
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		_, _ = fmt.Fprintf(fs.Output(), "Usage: scimd %s %s\n\nFlags:\n", cmd.name, cmd.synopsis)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if db == "" {
		db = getenv("SCIMD_DB")
	}
	if db == "" {
		db = defaultDB
	}
	usageErr := func(err error) error {
		_, _ = fmt.Fprintf(stderr, "scimd %s: %v\n", cmd.name, err)
		fs.Usage()
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if len(pos) != cmd.args {
		return usageErr(fmt.Errorf("want %d argument(s), got %d: %q", cmd.args, len(pos), pos))
	}
	if cmd.check != nil {
		if err := cmd.check(); err != nil {
			return usageErr(err)
		}
	}
	if _, _, err := parseDB(db); err != nil {
		return usageErr(err)
	}

	logger := newLogger(stderr, "text", slog.LevelWarn)
	store, err := openStore(ctx, db, logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close database: %w", cerr))
		}
	}()
	return cmd.run(storage.WithActor(ctx, cliActor(cmd.name)), store, pos, stdout)
}

// cliActor is the audit log's actor of a command: the operating system
// user who ran it (when known), and the command.
func cliActor(name string) storage.Actor {
	a := storage.Actor{Kind: storage.ActorCLI, Name: "scimd " + name}
	if u, err := user.Current(); err == nil {
		a.ID = u.Username
	}
	return a
}

// parseInterspersed parses args with fs, allowing flags after positional
// arguments too, and returns the positional arguments. Everything after
// "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

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

// required returns an error naming the first flag, of name/value pairs,
// whose value is empty.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return fmt.Errorf("%s is required", pairs[i])
		}
	}
	return nil
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

// lookupTenant returns the tenant with the given name, with an error for
// people when there is none.
func lookupTenant(ctx context.Context, store storage.Store, name string) (storage.Tenant, error) {
	t, err := store.Tenant(ctx, name)
	if errors.Is(err, storage.ErrNotFound) {
		return t, fmt.Errorf("no tenant named %q (see scimd tenant list)", name)
	}
	if err != nil {
		return t, fmt.Errorf("tenant %s: %w", name, err)
	}
	return t, nil
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

// scimBasePath is the path of a tenant's SCIM API on the server.
func scimBasePath(tenant string) string { return "/tenants/" + tenant + "/scim/v2" }

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

// fmtTime formats a time for tables: UTC to the second, "-" for none.
func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
