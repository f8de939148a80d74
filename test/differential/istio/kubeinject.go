// The kube-inject path: inject.IntoResourceFile with local configuration and no injector
// client, which is what `istioctl kube-inject --injectConfigFile --valuesFile --meshConfigFile`
// runs. Its YAML output is also returned as one JSON object per document.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"istio.io/istio/pilot/pkg/features"
	"istio.io/istio/pkg/kube/inject"
	"sigs.k8s.io/yaml"
)

// nativeSidecarsFromEnv is ENABLE_NATIVE_SIDECARS as Istio read it at start.
var nativeSidecarsFromEnv = features.EnableNativeSidecars

// withNativeSidecars sets Istio's process-wide native-sidecar mode for one request.
func withNativeSidecars(on *bool) {
	switch {
	case on == nil:
		features.EnableNativeSidecars = nativeSidecarsFromEnv
	case *on:
		features.EnableNativeSidecars = features.NativeSidecarModeEnabled
	default:
		features.EnableNativeSidecars = features.NativeSidecarModeDisabled
	}
}

func opInject(req *Request) *Response {
	res := &Response{ID: req.ID, Op: "inject"}
	s, err := buildSettings(req)
	if err != nil {
		return fail(res, "error", err)
	}
	input, added, err := withDefaultNamespace(req.Input, req.Namespace)
	if err != nil {
		return fail(res, "error", err)
	}
	withNativeSidecars(req.NativeSidecars)
	var out bytes.Buffer
	warn := func(w string) { res.Warnings = append(res.Warnings, strings.TrimSpace(w)) }
	err = inject.IntoResourceFile(nil, s.Config.Templates, s.Values, req.Revision, s.Mesh, strings.NewReader(input), &out, warn)
	if err != nil {
		return fail(res, "denied", err)
	}
	res.Outcome, res.Output = "ok", out.String()
	if res.Objects, err = yamlDocumentsToJSON(res.Output); err != nil {
		return fail(res, "error", fmt.Errorf("reading kube-inject output: %v", err))
	}
	withoutNamespace(res.Objects, added)
	return res
}

// withDefaultNamespace drops empty documents and gives objects without metadata.namespace the
// request's namespace (the namespace `meshgate inject --namespace` assumes), the items of a
// List too; it returns where it added one, so that the namespace can be taken out again.
func withDefaultNamespace(input, namespace string) (string, []addedNamespace, error) {
	var docs []string
	var added []addedNamespace
	for _, doc := range splitYAMLDocuments(input) {
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return "", nil, fmt.Errorf("input: %v", err)
		}
		if len(obj) == 0 {
			continue
		}
		a := addedNamespace{self: setNamespace(obj, namespace)}
		if items, ok := obj["items"].([]any); ok && obj["kind"] == "List" {
			for i, item := range items {
				if m, ok := item.(map[string]any); ok && setNamespace(m, namespace) {
					a.items = append(a.items, i)
				}
			}
		}
		if !a.self && len(a.items) == 0 {
			docs, added = append(docs, doc), append(added, a)
			continue
		}
		b, err := yaml.Marshal(obj)
		if err != nil {
			return "", nil, err
		}
		docs, added = append(docs, string(b)), append(added, a)
	}
	return strings.Join(docs, "\n---\n"), added, nil
}

// addedNamespace says where withDefaultNamespace set a namespace in one document.
type addedNamespace struct {
	self  bool
	items []int
}

// setNamespace sets metadata.namespace when it is empty (not on Lists, which have none).
func setNamespace(obj map[string]any, namespace string) bool {
	if namespace == "" || obj["kind"] == "List" {
		return false
	}
	meta, _ := obj["metadata"].(map[string]any)
	if ns, _ := meta["namespace"].(string); ns != "" {
		return false
	}
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["namespace"] = namespace
	return true
}

func dropNamespace(obj map[string]any) {
	if meta, ok := obj["metadata"].(map[string]any); ok {
		delete(meta, "namespace")
	}
}

// withoutNamespace removes metadata.namespace where withDefaultNamespace added it.
func withoutNamespace(objs []json.RawMessage, added []addedNamespace) {
	for i, obj := range objs {
		if i >= len(added) || (!added[i].self && len(added[i].items) == 0) {
			continue
		}
		m := map[string]any{}
		if json.Unmarshal(obj, &m) != nil {
			continue
		}
		if added[i].self {
			dropNamespace(m)
		}
		items, _ := m["items"].([]any)
		for _, j := range added[i].items {
			if j < len(items) {
				if item, ok := items[j].(map[string]any); ok {
					dropNamespace(item)
				}
			}
		}
		if b, err := json.Marshal(m); err == nil {
			objs[i] = b
		}
	}
}

// splitYAMLDocuments splits on `---` document separators (a line of its own).
func splitYAMLDocuments(text string) []string {
	var docs []string
	var cur []string
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimRight(line, " \t\r") == "---" {
			docs = append(docs, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, line)
	}
	return append(docs, strings.Join(cur, "\n"))
}

func yamlDocumentsToJSON(text string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for _, doc := range splitYAMLDocuments(text) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return nil, err
		}
		if string(j) == "null" {
			continue
		}
		out = append(out, j)
	}
	return out, nil
}

func fail(res *Response, outcome string, err error) *Response {
	res.Outcome, res.Message = outcome, err.Error()
	return res
}
