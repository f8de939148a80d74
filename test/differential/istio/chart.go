// The pinned release's default configuration, rendered from its own Helm charts (embedded in
// the istio.io/istio module) exactly as `istioctl manifest generate` renders them: the
// injector ConfigMap's `config` and `values`, and the mesh ConfigMap's `mesh`.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"

	"istio.io/istio/operator/pkg/render"
	"sigs.k8s.io/yaml"
)

// ChartData is what `config` prints and what every request's overlays apply to.
type ChartData struct {
	// Config is the istio-sidecar-injector ConfigMap's `config` (YAML, with Go templates).
	Config string `json:"config"`
	// Values is the istio-sidecar-injector ConfigMap's `values` (JSON).
	Values string `json:"values"`
	// Mesh is the istio ConfigMap's `mesh` (YAML).
	Mesh string `json:"mesh"`
	// Hub and Tag are the default image coordinates the chart was rendered with.
	Hub string `json:"hub"`
	Tag string `json:"tag"`
}

// The Istio release meshgate targets: the module pinned in go.mod is that release's branch, and
// its charts are rendered with the release's image coordinates, as a released istioctl
// (which has them compiled in) renders them.
const (
	releaseHub = "docker.io/istio"
	releaseTag = "1.31.0"
)

var (
	chartMu    sync.Mutex
	chartCache = map[string]*ChartData{}
)

// chartDefaults renders the default profile (for a revision) once per process.
func chartDefaults(revision string) (*ChartData, error) {
	chartMu.Lock()
	defer chartMu.Unlock()
	if d, ok := chartCache[revision]; ok {
		return d, nil
	}
	var sets []string
	if revision != "" {
		sets = append(sets, "revision="+revision)
	}
	d, err := renderChart(nil, sets)
	if err != nil {
		return nil, err
	}
	chartCache[revision] = d
	return d, nil
}

// renderChart renders Istio's charts for IstioOperator files and --set flags and picks the
// injector and mesh ConfigMaps out of the result.
func renderChart(files, sets []string) (*ChartData, error) {
	sets = append([]string{"hub=" + releaseHub, "tag=" + releaseTag}, sets...)
	manifests, merged, err := render.GenerateManifest(files, sets, false, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("rendering Istio's charts: %v", err)
	}
	revision := merged.GetPathString("spec.values.revision")
	injectorName, meshName := "istio-sidecar-injector", "istio"
	if revision != "" {
		injectorName += "-" + revision
		meshName += "-" + revision
	}
	d := &ChartData{Hub: merged.GetPathString("spec.values.global.hub"), Tag: fmt.Sprint(merged.GetPathString("spec.values.global.tag"))}
	for _, set := range manifests {
		for _, m := range set.Manifests {
			if m.GetKind() != "ConfigMap" {
				continue
			}
			data, _, _ := unstructuredStrings(m.Object, "data")
			switch m.GetName() {
			case injectorName:
				d.Config, d.Values = data["config"], data["values"]
			case meshName:
				d.Mesh = data["mesh"]
			}
		}
	}
	if d.Config == "" || d.Values == "" || d.Mesh == "" {
		return nil, fmt.Errorf("the rendered charts have no ConfigMaps %s and %s", injectorName, meshName)
	}
	return d, nil
}

func unstructuredStrings(obj map[string]any, key string) (map[string]string, bool, error) {
	raw, ok := obj[key].(map[string]any)
	if !ok {
		return nil, false, nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		s, isString := v.(string)
		if !isString {
			return nil, true, fmt.Errorf("%s.%s is not a string", key, k)
		}
		out[k] = s
	}
	return out, true, nil
}

// deriveConfig fills the injector config from values the way the chart's ConfigMap template
// does (defaultTemplates, policy, selectors, injectedAnnotations, and
// sidecarInjectorWebhook.templates added to or replacing the built-in templates), so that a
// values overlay means the same to Istio as to meshgate.
func deriveConfig(defaultConfig string, values map[string]any) (string, error) {
	cfg := map[string]any{}
	if err := yaml.Unmarshal([]byte(defaultConfig), &cfg); err != nil {
		return "", fmt.Errorf("default config: %v", err)
	}
	siw, _ := values["sidecarInjectorWebhook"].(map[string]any)
	if dt, _ := siw["defaultTemplates"].([]any); len(dt) > 0 {
		cfg["defaultTemplates"] = dt
	} else {
		cfg["defaultTemplates"] = []any{"sidecar"}
	}
	if global, ok := values["global"].(map[string]any); ok {
		if proxy, ok := global["proxy"].(map[string]any); ok {
			cfg["policy"] = proxy["autoInject"]
		}
	}
	cfg["alwaysInjectSelector"] = siw["alwaysInjectSelector"]
	cfg["neverInjectSelector"] = siw["neverInjectSelector"]
	annotations := map[string]any{}
	if ia, ok := siw["injectedAnnotations"].(map[string]any); ok {
		for k, v := range ia {
			annotations[k] = fmt.Sprint(v)
		}
	}
	cfg["injectedAnnotations"] = annotations
	templates, _ := cfg["templates"].(map[string]any)
	if extra, ok := siw["templates"].(map[string]any); ok {
		for k, v := range extra {
			templates[k] = v
		}
	}
	cfg["templates"] = templates
	out, err := yaml.Marshal(cfg)
	return string(out), err
}

const configHelp = `Usage: istio-harness config [-f ISTIOOPERATOR.yaml]... [--set PATH=VALUE]... [--key config|values|mesh]

Prints the istio-sidecar-injector ConfigMap's config and values and the istio ConfigMap's mesh
as the pinned release's charts render them (the default profile unless a file or --set says
otherwise, e.g. --set profile=openshift or --set revision=canary), as one JSON object
{"config","values","mesh","hub","tag"}; with --key, only that entry, as raw text.
`

func cmdConfig(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, configHelp) }
	var files, sets multiFlag
	fs.Var(&files, "f", "IstioOperator file (repeatable)")
	fs.Var(&sets, "set", "IstioOperator path=value (repeatable)")
	key := fs.String("key", "", "print only config, values or mesh")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := quietIstioLogs("error"); err != nil {
		fmt.Fprintln(stderr, "istio-harness config:", err)
		return 2
	}
	d, err := renderChart(files, sets)
	if err != nil {
		fmt.Fprintln(stderr, "istio-harness config:", err)
		return 1
	}
	switch *key {
	case "":
		out, _ := json.MarshalIndent(d, "", "  ")
		fmt.Fprintln(stdout, string(out))
	case "config", "values", "mesh":
		fmt.Fprintln(stdout, map[string]string{"config": d.Config, "values": d.Values, "mesh": d.Mesh}[*key])
	default:
		fmt.Fprintf(stderr, "istio-harness config: --key must be config, values or mesh, got %q\n", *key)
		return 2
	}
	return 0
}

func cmdVersion(_ []string, _ io.Reader, stdout, stderr io.Writer) int {
	_ = quietIstioLogs("error")
	d, err := chartDefaults("")
	if err != nil {
		fmt.Fprintln(stderr, "istio-harness version:", err)
		return 1
	}
	fmt.Fprintf(stdout, "istio.io/istio %s\nrelease %s\nproxy image %s/proxyv2:%s\n", moduleVersion(), releaseTag, d.Hub, d.Tag)
	return 0
}

// moduleVersion is the istio.io/istio version this binary was built from.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "istio.io/istio" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
