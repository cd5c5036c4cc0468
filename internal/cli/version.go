package cli

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(c *base) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version, the source revision it was built from and the Go version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			c.ran = true
			bi, _ := debug.ReadBuildInfo()
			writeVersion(c.out, bi)
			return nil
		},
	}
}

// buildVersion returns the module version of a build: the tagged version
// when the binary was built from a module download (go install …@v1.2.3),
// else "devel" with the source revision when the build recorded one.
func buildVersion(bi *debug.BuildInfo) string {
	if bi == nil {
		return "(unknown)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	vcs := vcsInfo(bi)
	if rev := vcs["vcs.revision"]; rev != "" {
		v := "devel+" + rev[:min(len(rev), 12)]
		if vcs["vcs.modified"] == "true" {
			v += "-dirty"
		}
		return v
	}
	return "(devel)"
}

// Version returns the version of the running binary (see buildVersion).
func Version() string {
	bi, _ := debug.ReadBuildInfo()
	return buildVersion(bi)
}

func vcsInfo(bi *debug.BuildInfo) map[string]string {
	m := map[string]string{}
	for _, s := range bi.Settings {
		m[s.Key] = s.Value
	}
	return m
}

// writeVersion prints what `tandem version` shows: the version, the module,
// the source revision and its time when the build recorded them, and the
// Go toolchain.
func writeVersion(w io.Writer, bi *debug.BuildInfo) {
	fmt.Fprintf(w, "tandem %s\n", buildVersion(bi))
	if bi == nil {
		fmt.Fprintln(w, "  (no build information in this binary)")
		return
	}
	fmt.Fprintf(w, "  module    %s %s\n", bi.Main.Path, bi.Main.Version)
	vcs := vcsInfo(bi)
	if rev := vcs["vcs.revision"]; rev != "" {
		state := ""
		if vcs["vcs.modified"] == "true" {
			state = " (with uncommitted changes)"
		}
		fmt.Fprintf(w, "  revision  %s%s\n", rev, state)
		if t := vcs["vcs.time"]; t != "" {
			fmt.Fprintf(w, "  time      %s\n", t)
		}
	} else {
		fmt.Fprintln(w, "  revision  not recorded (built outside a checkout or with -buildvcs=false)")
	}
	fmt.Fprintf(w, "  go        %s\n", bi.GoVersion)
}
