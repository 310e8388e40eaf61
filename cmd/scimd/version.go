package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// runVersion prints the module version, the VCS revision when the binary
// was built from a checkout, and the Go version.
func runVersion(stdout io.Writer) error {
	version, revision := "(unknown)", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		version = info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				revision = " " + s.Value
			}
		}
	}
	_, err := fmt.Fprintf(stdout, "scimd %s%s %s\n", version, revision, runtime.Version())
	return err
}
