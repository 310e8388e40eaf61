package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage is returned by run for a command line it cannot run. The reason
// and the usage have already been written to stderr.
var errUsage = errors.New("usage error")

const usage = `Usage: scimd <command> [flags]

Commands:
  serve     serve SCIM over HTTP
  tenant    create, list and delete tenants
  token     create, list and revoke a tenant's SCIM bearer tokens
  schema    show and set a tenant's custom attributes
  version   print the version

Run "scimd <command> -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// run runs the scimd command line args (without the program name). It reads
// the environment through getenv and returns when the command is done or,
// for serve, when ctx is canceled and the server has shut down.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		_, _ = fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "tenant":
		return runGroup(ctx, "tenant", tenantUsage, tenantCommands, rest, getenv, stdout, stderr)
	case "token":
		return runGroup(ctx, "token", tokenUsage, tokenCommands, rest, getenv, stdout, stderr)
	case "schema":
		return runGroup(ctx, "schema", schemaUsage, schemaCommands, rest, getenv, stdout, stderr)
	case "version":
		return runVersion(stdout)
	case "help", "-h", "-help", "--help":
		_, _ = fmt.Fprint(stdout, usage)
		return nil
	default:
		_, _ = fmt.Fprintf(stderr, "scimd: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}

// exitCode turns the result of run into a process exit code, reporting err
// on stderr unless it has been reported already.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		_, _ = fmt.Fprintf(stderr, "scimd: %v\n", err)
		return 1
	}
}
