// istiod's validating webhook handler (pkg/webhooks/validation/server, with the schemas
// istiod registers) run in-process on every object of a manifest, or on a whole AdmissionReview.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"

	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/webhooks/validation/server"
)

// ValidateResult is istiod's verdict on one object.
type ValidateResult struct {
	Index    int      `json:"index"`
	Kind     string   `json:"kind"`
	Name     string   `json:"name"`
	Allowed  bool     `json:"allowed"`
	Message  string   `json:"message,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

var (
	validationOnce sync.Once
	validationMux  *http.ServeMux
	validationErr  error
)

// validationHandler is istiod's validation webhook, built once, as istiod builds it.
func validationHandler() (*http.ServeMux, error) {
	validationOnce.Do(func() {
		validationMux = http.NewServeMux()
		_, validationErr = server.New(server.Options{
			Schemas:      collections.PilotGatewayAPI(),
			DomainSuffix: "cluster.local",
			Mux:          validationMux,
		})
	})
	return validationMux, validationErr
}

func opValidate(req *Request) *Response {
	res := &Response{ID: req.ID, Op: "validate"}
	mux, err := validationHandler()
	if err != nil {
		return fail(res, "error", err)
	}
	if len(req.Review) > 0 {
		r, err := validateReview(mux, req.Review)
		if err != nil {
			return fail(res, "error", err)
		}
		res.Outcome, res.Results = "ok", []ValidateResult{r}
		return res
	}
	docs, err := yamlDocumentsToJSON(req.Input)
	if err != nil {
		return fail(res, "error", fmt.Errorf("input: %v", err))
	}
	for i, doc := range docs {
		review, err := reviewFor(doc, req.Namespace, req.DryRun, "", "")
		if err != nil {
			return fail(res, "error", err)
		}
		r, err := validateReview(mux, review)
		if err != nil {
			return fail(res, "error", err)
		}
		r.Index = i
		res.Results = append(res.Results, r)
	}
	res.Outcome = "ok"
	return res
}

func validateReview(mux *http.ServeMux, review []byte) (ValidateResult, error) {
	var in struct {
		Request struct {
			Kind struct {
				Kind string `json:"kind"`
			} `json:"kind"`
			Name string `json:"name"`
		} `json:"request"`
	}
	_ = json.Unmarshal(review, &in)
	r := ValidateResult{Kind: in.Request.Kind.Kind, Name: in.Request.Name}
	rec := serveReview(mux, "/validate", review)
	if rec.Code != http.StatusOK {
		return r, fmt.Errorf("validation webhook answered HTTP %d: %s", rec.Code, rec.Body.String())
	}
	var out struct {
		Response struct {
			Allowed  bool     `json:"allowed"`
			Warnings []string `json:"warnings"`
			Status   *struct {
				Message string `json:"message"`
			} `json:"status"`
		} `json:"response"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		return r, fmt.Errorf("validation webhook answer: %v", err)
	}
	r.Allowed, r.Warnings = out.Response.Allowed, out.Response.Warnings
	if out.Response.Status != nil {
		r.Message = out.Response.Status.Message
	}
	return r, nil
}

const validateHelp = `Usage: istio-harness validate -f FILE [--namespace NS] [--dry-run]

Runs istiod's validating webhook handler on every object of FILE ("-" = stdin; YAML or JSON,
several documents) as a CREATE AdmissionReview, and prints one JSON line per object:
{"index","kind","name","allowed","message","warnings"}. Exit 0 when all are allowed, 1 otherwise.
`

func cmdValidate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, validateHelp) }
	file := fs.String("f", "", "manifest file, - for stdin")
	ns := fs.String("namespace", "", "request namespace for objects that name none")
	dry := fs.Bool("dry-run", false, "mark the requests as dry runs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *file == "" {
		fmt.Fprintln(stderr, "istio-harness validate: -f FILE is required")
		return 2
	}
	text, err := readInput(*file, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "istio-harness validate:", err)
		return 2
	}
	_ = quietIstioLogs("none")
	res := opValidate(&Request{Op: "validate", Input: text, Namespace: *ns, DryRun: *dry})
	if res.Outcome != "ok" {
		fmt.Fprintln(stderr, "istio-harness validate:", res.Message)
		return 2
	}
	code := 0
	enc := json.NewEncoder(stdout)
	for _, r := range res.Results {
		_ = enc.Encode(r)
		if !r.Allowed {
			code = 1
		}
	}
	return code
}

func readInput(file string, stdin io.Reader) (string, error) {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(file)
	}
	return string(b), err
}
