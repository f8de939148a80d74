// The request every command and the batch mode share, and how it becomes Istio's injection
// inputs: the chart's default ConfigMap data with the request's overlays applied on top, the
// same way `meshgate inject --values/--mesh` treats its files.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	meshconfig "istio.io/api/mesh/v1alpha1"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/kube/inject"
	"sigs.k8s.io/yaml"
)

// Request is one line of batch input; the single-shot commands fill it from their flags.
type Request struct {
	// ID is echoed in the response (any JSON value).
	ID json.RawMessage `json:"id,omitempty"`
	// Op is inject (kube-inject path), webhook (AdmissionReview through inject.NewWebhook),
	// validate (istiod's validating webhook) or config (the default ConfigMap data).
	Op string `json:"op"`
	// Input is a manifest: YAML or JSON, one or several documents.
	Input string `json:"input,omitempty"`
	// Review is a whole AdmissionReview for webhook and validate (instead of Input).
	Review json.RawMessage `json:"review,omitempty"`
	// Values is YAML/JSON deep-merged over the chart's default injector `values` (null removes).
	Values string `json:"values,omitempty"`
	// Mesh is a MeshConfig (YAML/JSON) applied over the chart's default mesh config.
	Mesh string `json:"mesh,omitempty"`
	// Config is a whole injector `config` document (templates, defaultTemplates, aliases,
	// policy, selectors, injectedAnnotations). Absent: the chart's, derived from the values.
	Config string `json:"config,omitempty"`
	// NativeSidecars overrides ENABLE_NATIVE_SIDECARS (true/false); absent keeps the environment's.
	NativeSidecars *bool `json:"nativeSidecars,omitempty"`
	// Revision is the control-plane revision ("" = default).
	Revision string `json:"revision,omitempty"`
	// Namespace is used for objects that name none (kube-inject) and as request.namespace.
	Namespace string `json:"namespace,omitempty"`
	// NamespaceObject is the Pod's Namespace, which the webhook reads on OpenShift.
	NamespaceObject json.RawMessage `json:"namespaceObject,omitempty"`
	// Path is the webhook URL path (default /inject), e.g. /inject/cluster/c1/net/n1.
	Path string `json:"path,omitempty"`
	// DryRun marks validate requests as dry runs.
	DryRun bool `json:"dryRun,omitempty"`
}

// Response is one line of batch output.
type Response struct {
	ID json.RawMessage `json:"id,omitempty"`
	Op string          `json:"op"`
	// Outcome: ok (injected, skipped or validated), denied (the injector refused), error (the
	// request itself could not be processed: bad overlay, unparseable input).
	Outcome  string   `json:"outcome"`
	Message  string   `json:"message,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Objects are the injected documents as JSON, in input order (inject).
	Objects []json.RawMessage `json:"objects,omitempty"`
	// Output is the YAML that kube-inject prints (inject).
	Output string `json:"output,omitempty"`
	// AdmissionResponse is the webhook's answer; Pod is request.object with its patch applied.
	AdmissionResponse json.RawMessage `json:"admissionResponse,omitempty"`
	Pod               json.RawMessage `json:"pod,omitempty"`
	// RequestObject is the request.object the webhook was sent (a Pod as Go encodes it).
	RequestObject json.RawMessage `json:"requestObject,omitempty"`
	// Results are per-object verdicts (validate).
	Results []ValidateResult `json:"results,omitempty"`
	// Data is the default ConfigMap data (config).
	Data *ChartData `json:"data,omitempty"`
}

// Settings are Istio's injection inputs after the overlays.
type Settings struct {
	ConfigYAML string
	Config     *inject.Config
	ValuesJSON string
	Values     inject.ValuesConfig
	Mesh       *meshconfig.MeshConfig
	MeshYAML   string
}

var (
	settingsMu    sync.Mutex
	settingsCache = map[string]*Settings{}
)

// buildSettings turns a request's overlays into Istio's parsed configuration, once per distinct
// configuration (parsing the templates costs far more than an injection).
func buildSettings(req *Request) (*Settings, error) {
	key := strings.Join([]string{req.Revision, req.Values, req.Mesh, req.Config}, "\x00")
	settingsMu.Lock()
	defer settingsMu.Unlock()
	if s, ok := settingsCache[key]; ok {
		return s, nil
	}
	if len(settingsCache) > 64 {
		settingsCache = map[string]*Settings{}
	}
	s, err := parseSettings(req)
	if err == nil {
		settingsCache[key] = s
	}
	return s, err
}

func parseSettings(req *Request) (*Settings, error) {
	def, err := chartDefaults(req.Revision)
	if err != nil {
		return nil, err
	}
	values, err := mergeValues(def.Values, req.Values)
	if err != nil {
		return nil, err
	}
	configYAML := req.Config
	if strings.TrimSpace(configYAML) == "" {
		if configYAML, err = deriveConfig(def.Config, values); err != nil {
			return nil, err
		}
	}
	cfg, err := inject.UnmarshalConfig([]byte(configYAML))
	if err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	valuesJSON, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	vc, err := inject.NewValuesConfig(string(valuesJSON))
	if err != nil {
		return nil, fmt.Errorf("values: %v", err)
	}
	m, err := buildMesh(def.Mesh, req.Mesh)
	if err != nil {
		return nil, err
	}
	return &Settings{ConfigYAML: configYAML, Config: &cfg, ValuesJSON: string(valuesJSON), Values: vc, Mesh: m, MeshYAML: def.Mesh + "\n---\n" + req.Mesh}, nil
}

// buildMesh reads the chart's mesh config as istiod does (over Istio's defaults), then the overlay.
func buildMesh(chartMesh, overlay string) (*meshconfig.MeshConfig, error) {
	m, err := mesh.ApplyMeshConfigDefaults(chartMesh)
	if err != nil {
		return nil, fmt.Errorf("default mesh config: %v", err)
	}
	if strings.TrimSpace(overlay) == "" {
		return m, nil
	}
	if m, err = mesh.ApplyMeshConfig(overlay, m); err != nil {
		return nil, fmt.Errorf("mesh: %v", err)
	}
	return m, nil
}

// mergeValues deep-merges a YAML/JSON overlay over the default values: maps merge key by key,
// anything else replaces, and null removes the key.
func mergeValues(defaultJSON, overlay string) (map[string]any, error) {
	base := map[string]any{}
	if err := json.Unmarshal([]byte(defaultJSON), &base); err != nil {
		return nil, fmt.Errorf("default values: %v", err)
	}
	if strings.TrimSpace(overlay) == "" {
		return base, nil
	}
	over := map[string]any{}
	if err := yaml.Unmarshal([]byte(overlay), &over); err != nil {
		return nil, fmt.Errorf("values: %v", err)
	}
	return mergeMaps(base, over), nil
}

func mergeMaps(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(out, k)
			continue
		}
		bm, bok := out[k].(map[string]any)
		om, ook := v.(map[string]any)
		if bok && ook {
			out[k] = mergeMaps(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}
