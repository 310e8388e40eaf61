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
	"time"

	"github.com/scimd/scimd/storage"
)

// A command is one subcommand of tenant, token or schema: its flags, how
// many arguments it takes, and what it does with an open store.
type command struct {
	name     string // "tenant create"
	synopsis string // "NAME [--json] [--db DATABASE]"
	args     int    // number of positional arguments
	flags    func(fs *flag.FlagSet)
	check    func() error // validates the flags; nil for none
	run      func(ctx context.Context, store storage.Store, args []string, stdout io.Writer) error
}

// runGroup runs the subcommand of "scimd tenant", "scimd token" or "scimd
// schema" named by args[0].
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
