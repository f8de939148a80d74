//go:build js && wasm

// The measurement behind docs/templates.md ("Why TypeScript"): Go text/template and Sprig
// compiled to WebAssembly, executing Istio's sidecar template on typed data (corev1, meshconfig).
// The function map here is a quick approximation, enough to time execution; it is not used.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"syscall/js"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	meshconfig "istio.io/api/mesh/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"
)

type Data struct {
	TypeMeta                 metav1.TypeMeta
	DeploymentMeta           types.NamespacedName
	ObjectMeta               metav1.ObjectMeta
	Spec                     corev1.PodSpec
	ProxyConfig              *meshconfig.ProxyConfig
	MeshConfig               *meshconfig.MeshConfig
	Values                   map[string]any
	Revision                 string
	NativeSidecars           bool
	ProxyImage               string
	ProxyInitImage           string
	ProxyUID                 int64
	ProxyGID                 int64
	InboundTrafficPolicyMode string
	CompliancePolicy         string
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	f["annotation"] = func(m metav1.ObjectMeta, name string, def any) string {
		if v, ok := m.Annotations[name]; ok {
			return v
		}
		return fmt.Sprint(def)
	}
	f["isset"] = func(m map[string]string, k string) bool { _, ok := m[k]; return ok }
	f["valueOrDefault"] = func(v any, d any) any {
		if v == nil || v == "" {
			return d
		}
		return v
	}
	f["excludeInboundPort"] = func(p any, l string) string { return l }
	f["toYaml"] = func(v any) string { b, _ := yaml.Marshal(v); return string(b) }
	f["indent"] = func(n int, s string) string { return strings.ReplaceAll(s, "\n", "\n"+strings.Repeat(" ", n)) }
	f["fromJSON"] = func(s string) any { var v any; json.Unmarshal([]byte(s), &v); return v }
	f["structToJSON"] = func(v any) string { b, _ := json.Marshal(v); return string(b) }
	f["protoToJSON"] = func(v proto.Message) string { b, _ := protojson.Marshal(v); return string(b) }
	f["toLower"] = strings.ToLower
	f["contains"] = func(a, b string) bool { return strings.Contains(b, a) }
	f["directory"] = func(s string) string { return s }
	f["appendMultusNetwork"] = func(a, b string) string { return a + b }
	f["omitNil"] = func(v any) any { return v }
	f["otelResourceAttributes"] = func(a, b, c, d, e any) string { return "" }
	return f
}

var tmpl *template.Template
var last *Data

type input struct {
	Pod    corev1.Pod      `json:"pod"`
	Values map[string]any  `json:"values"`
	Mesh   json.RawMessage `json:"mesh"`
}

func main() {
	js.Global().Set("goParse", js.FuncOf(func(this js.Value, args []js.Value) any {
		t, err := template.New("inject").Funcs(funcs()).Parse(args[0].String())
		if err != nil {
			return err.Error()
		}
		tmpl = t
		return ""
	}))
	js.Global().Set("goRender", js.FuncOf(func(this js.Value, args []js.Value) any {
		var in input
		if err := json.Unmarshal([]byte(args[0].String()), &in); err != nil {
			return "ERR " + err.Error()
		}
		mc := &meshconfig.MeshConfig{}
		if err := protojson.Unmarshal(in.Mesh, mc); err != nil {
			return "ERR " + err.Error()
		}
		d := &Data{ObjectMeta: in.Pod.ObjectMeta, Spec: in.Pod.Spec, Values: in.Values, MeshConfig: mc, ProxyConfig: mc.DefaultConfig,
			ProxyUID: 1337, ProxyGID: 1337, ProxyImage: "docker.io/istio/proxyv2:1.28.0", ProxyInitImage: "docker.io/istio/proxyv2:1.28.0",
			InboundTrafficPolicyMode: "passthrough", DeploymentMeta: types.NamespacedName{Name: "hello", Namespace: "default"}}
		last = d
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, d); err != nil {
			return "ERR " + err.Error()
		}
		return buf.String()
	}))
	js.Global().Set("goExec", js.FuncOf(func(this js.Value, args []js.Value) any {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, last); err != nil {
			return "ERR " + err.Error()
		}
		return buf.String()
	}))
	select {}
}
