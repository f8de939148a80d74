// The batch mode (one JSON request per stdin line, one JSON response per stdout line, in
// order) and the single-shot `inject` command, both on the same operations.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

const batchHelp = `Usage: istio-harness batch [--log-level LEVEL]

Reads one JSON request per line on stdin and writes one JSON response per line on stdout, in
order, until stdin closes. Requests: {"id", "op": "inject"|"webhook"|"validate"|"config",
"input", "review", "values", "mesh", "config", "nativeSidecars", "revision", "namespace",
"namespaceObject", "path", "dryRun"} (see request.go). Responses: {"id", "op", "outcome":
"ok"|"denied"|"error", "message", "warnings", "objects", "output", "admissionResponse", "pod",
"results", "data"}. Istio's own log goes to stderr (--log-level, default error).
`

func cmdBatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, batchHelp) }
	level := fs.String("log-level", "error", "Istio log level: debug, info, warn, error, none")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := quietIstioLogs(*level); err != nil {
		fmt.Fprintln(stderr, "istio-harness batch:", err)
		return 2
	}
	in := bufio.NewReaderSize(stdin, 1<<20)
	out := bufio.NewWriterSize(stdout, 1<<20)
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) > 0 {
			if encErr := enc.Encode(handleLine(line)); encErr != nil {
				fmt.Fprintln(stderr, "istio-harness batch:", encErr)
				return 1
			}
			if flushErr := out.Flush(); flushErr != nil {
				return 1
			}
		}
		if err == io.EOF {
			return 0
		}
		if err != nil {
			fmt.Fprintln(stderr, "istio-harness batch:", err)
			return 1
		}
	}
}

func handleLine(line []byte) (res *Response) {
	req := &Request{}
	if err := json.Unmarshal(line, req); err != nil {
		return &Response{Op: "?", Outcome: "error", Message: "request is not JSON: " + err.Error()}
	}
	defer func() {
		if p := recover(); p != nil {
			res = &Response{ID: req.ID, Op: req.Op, Outcome: "error", Message: fmt.Sprintf("panic: %v", p)}
		}
	}()
	return handle(req)
}

func handle(req *Request) *Response {
	switch req.Op {
	case "inject":
		return opInject(req)
	case "webhook":
		return opWebhook(req)
	case "validate":
		return opValidate(req)
	case "config":
		res := &Response{ID: req.ID, Op: "config"}
		d, err := chartDefaults(req.Revision)
		if err != nil {
			return fail(res, "error", err)
		}
		res.Outcome, res.Data = "ok", d
		return res
	default:
		return &Response{ID: req.ID, Op: req.Op, Outcome: "error", Message: fmt.Sprintf("unknown op %q (inject, webhook, validate, config)", req.Op)}
	}
}

const injectHelp = `Usage: istio-harness inject -f FILE [--values FILE] [--mesh FILE] [--config FILE]
                            [--native-sidecars=true|false] [--revision REV] [--namespace NS]
                            [--webhook [--path /inject/...] [--namespace-object FILE]]

Injects every Pod and workload in FILE ("-" = stdin) with Istio's kube-inject code
(inject.IntoResourceFile) and prints the result as YAML, like 'istioctl kube-inject'. With
--webhook, FILE holds one Pod (or an AdmissionReview with --review) and it goes through
Istio's injection webhook handler instead; the patched Pod is printed as JSON.

  --values FILE            injector values, deep-merged over the release's chart defaults
  --mesh FILE              MeshConfig applied over the chart's default mesh config
  --config FILE            a whole injector config (Go templates, defaultTemplates, aliases,
                           policy, selectors); default: the chart's, derived from the values
  --native-sidecars=BOOL   overrides ENABLE_NATIVE_SIDECARS
  --revision REV           control-plane revision
  --namespace NS           namespace for objects that name none
  --namespace-object FILE  the Pod's Namespace object (read by the webhook on PLATFORM=openshift)

Exit 0 on success, 1 when Istio refuses the input (message on stderr), 2 on usage errors.
`

func cmdInject(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inject", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, injectHelp) }
	file := fs.String("f", "", "manifest")
	values := fs.String("values", "", "values file")
	meshFile := fs.String("mesh", "", "mesh config file")
	configFile := fs.String("config", "", "injector config file")
	native := fs.String("native-sidecars", "", "true or false")
	req := &Request{Op: "inject"}
	fs.StringVar(&req.Revision, "revision", "", "revision")
	fs.StringVar(&req.Namespace, "namespace", "", "namespace")
	webhook := fs.Bool("webhook", false, "use Istio's webhook handler")
	review := fs.Bool("review", false, "FILE is an AdmissionReview (with --webhook)")
	fs.StringVar(&req.Path, "path", "", "webhook path")
	nsFile := fs.String("namespace-object", "", "Namespace object file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := fillFromFiles(req, *file, stdin, map[*string]string{&req.Values: *values, &req.Mesh: *meshFile, &req.Config: *configFile}); err != nil {
		fmt.Fprintln(stderr, "istio-harness inject:", err)
		return 2
	}
	if err := fillFlags(req, *native, *nsFile, *review); err != nil {
		fmt.Fprintln(stderr, "istio-harness inject:", err)
		return 2
	}
	if *webhook {
		req.Op = "webhook"
	}
	_ = quietIstioLogs("error")
	return printInjected(handle(req), stdout, stderr)
}

func fillFromFiles(req *Request, file string, stdin io.Reader, files map[*string]string) error {
	if file == "" {
		return fmt.Errorf("-f FILE is required")
	}
	text, err := readInput(file, stdin)
	if err != nil {
		return err
	}
	req.Input = text
	for dst, name := range files {
		if name == "" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		*dst = string(b)
	}
	return nil
}

func fillFlags(req *Request, native, nsFile string, review bool) error {
	if native != "" {
		b, err := strconv.ParseBool(native)
		if err != nil {
			return fmt.Errorf("--native-sidecars must be true or false, got %q", native)
		}
		req.NativeSidecars = &b
	}
	if nsFile != "" {
		b, err := os.ReadFile(nsFile)
		if err != nil {
			return err
		}
		if req.NamespaceObject, err = readObject(string(b)); err != nil {
			return fmt.Errorf("--namespace-object: %v", err)
		}
	}
	if review {
		req.Review, req.Input = json.RawMessage(req.Input), ""
	}
	return nil
}

func printInjected(res *Response, stdout, stderr io.Writer) int {
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, w)
	}
	switch res.Outcome {
	case "ok":
		if res.Op == "webhook" {
			fmt.Fprintln(stdout, string(res.Pod))
		} else {
			fmt.Fprint(stdout, res.Output)
		}
		return 0
	case "denied":
		fmt.Fprintln(stderr, "denied:", res.Message)
		return 1
	default:
		fmt.Fprintln(stderr, "istio-harness inject:", res.Message)
		return 2
	}
}
