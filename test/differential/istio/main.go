// Command istio-harness runs Istio's own injector and validator, taken as a library from the
// istio.io/istio module pinned in go.mod, so that meshgate's differential suite, benchmark and
// issue-specific checks can compare meshgate with the real thing. Nothing here is part of
// meshgate; the binary is built into a cache by test/differential/harness.ts.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"istio.io/istio/pkg/log"
)

const usage = `Usage: istio-harness COMMAND [flags]

Istio's sidecar injector and configuration validator (the istio.io/istio module this binary was
built from) as a command-line tool, for differential tests against meshgate.

Commands:
  inject    inject a manifest the way 'istioctl kube-inject' does (or, with --webhook, through
            Istio's injection webhook handler in-process) and print the result as YAML
  validate  run istiod's validating webhook handler on every object of a manifest
  config    print the release's default injector ConfigMap data and mesh config (JSON)
  batch     read requests as JSON lines on stdin, answer one JSON line each on stdout
  serve     Istio's injection and validation webhooks over HTTPS on 127.0.0.1
  version   print the Istio module version and the default proxy image
  typeinfo  print how kube-inject's Kubernetes Go types encode each JSON field (for meshgate's
            typed round trip, src/inject/merge/k8s-types.ts)

Istio reads some istiod settings from the environment when it starts (for example
ENABLE_NATIVE_SIDECARS, COMPLIANCE_POLICY, PLATFORM=openshift): give them as environment
variables of this process. 'istio-harness COMMAND --help' describes each command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	commands := map[string]func([]string, io.Reader, io.Writer, io.Writer) int{
		"inject":   cmdInject,
		"validate": cmdValidate,
		"config":   cmdConfig,
		"batch":    cmdBatch,
		"serve":    cmdServe,
		"version":  cmdVersion,
		"typeinfo": cmdTypeinfo,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "istio-harness: unknown command %q (try --help)\n", args[0])
		return 2
	}
	return cmd(args[1:], stdin, stdout, stderr)
}

// quietIstioLogs keeps Istio's own logging to errors on stderr (level "none" silences it), so
// that per-request info lines neither cost time in batch mode nor drown the output.
func quietIstioLogs(level string) error {
	lvl, ok := map[string]log.Level{
		"debug": log.DebugLevel, "info": log.InfoLevel, "warn": log.WarnLevel,
		"error": log.ErrorLevel, "none": log.NoneLevel,
	}[strings.ToLower(level)]
	if !ok {
		return fmt.Errorf("--log-level must be debug, info, warn, error or none, got %q", level)
	}
	opts := log.DefaultOptions()
	opts.OutputPaths = []string{"stderr"}
	opts.ErrorOutputPaths = []string{"stderr"}
	if err := log.Configure(opts); err != nil {
		return err
	}
	for _, s := range log.Scopes() {
		s.SetOutputLevel(lvl)
		s.SetStackTraceLevel(log.NoneLevel)
	}
	return nil
}
