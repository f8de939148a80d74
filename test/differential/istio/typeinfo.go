// `typeinfo`: describes, by reflection over the Kubernetes Go types Istio's kube-inject reads
// and writes, how each JSON field survives a trip through those types (kept when zero or
// dropped, pointer, list, map, special encodings). meshgate's typed round trip
// (src/inject/merge/typed.ts) is driven by this table, regenerated into src/inject/merge/k8s-types.ts
// with `npm run test:differential -- --update-types`.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"

	openshiftv1 "github.com/openshift/api/apps/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// typeRoots are the kinds kube-inject decodes into Go types (pkg/kube/inject's scheme).
var typeRoots = map[string]any{
	"v1/Pod":                                corev1.Pod{},
	"v1/ReplicationController":              corev1.ReplicationController{},
	"v1/List":                               corev1.List{},
	"apps/v1/Deployment":                    appsv1.Deployment{},
	"apps/v1/DaemonSet":                     appsv1.DaemonSet{},
	"apps/v1/ReplicaSet":                    appsv1.ReplicaSet{},
	"apps/v1/StatefulSet":                   appsv1.StatefulSet{},
	"batch/v1/Job":                          batchv1.Job{},
	"batch/v1/CronJob":                      batchv1.CronJob{},
	"apps.openshift.io/v1/DeploymentConfig": openshiftv1.DeploymentConfig{},
}

// Special encodings: values that marshal themselves.
var specialTypes = map[reflect.Type]string{
	reflect.TypeOf(resource.Quantity{}):    "quantity",
	reflect.TypeOf(intstr.IntOrString{}):   "intstr",
	reflect.TypeOf(metav1.Time{}):          "time",
	reflect.TypeOf(metav1.MicroTime{}):     "time",
	reflect.TypeOf(metav1.Duration{}):      "string",
	reflect.TypeOf(runtime.RawExtension{}): "raw",
	reflect.TypeOf(metav1.FieldsV1{}):      "raw",
	reflect.TypeOf(json.RawMessage(nil)):   "raw",
	reflect.TypeOf([]byte(nil)):            "bytes",
}

type typeTable struct {
	types map[string]map[string]string
}

func typeName(t reflect.Type) string {
	pkg := strings.Replace(t.PkgPath(), "github.com/openshift/api/", "openshift/", 1)
	for _, prefix := range []string{"k8s.io/api/", "k8s.io/apimachinery/pkg/apis/"} {
		pkg = strings.TrimPrefix(pkg, prefix)
	}
	return pkg + "." + t.Name()
}

// code describes a Go type as a short string: "*" pointer, "[]" slice, "{}" map (of the
// element that follows), then a scalar (int, uint, float, bool, string), a special encoding
// (quantity, intstr, time, raw, bytes) or a struct's name in the table.
func (tt *typeTable) code(t reflect.Type) string {
	if s, ok := specialTypes[t]; ok && s != "" {
		return s
	}
	switch t.Kind() {
	case reflect.Ptr:
		return "*" + tt.code(t.Elem())
	case reflect.Slice, reflect.Array:
		return "[]" + tt.code(t.Elem())
	case reflect.Map:
		return "{}" + tt.code(t.Elem())
	case reflect.Bool:
		return "bool"
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "uint"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Interface:
		return "raw"
	case reflect.Struct:
		name := typeName(t)
		if _, seen := tt.types[name]; !seen {
			tt.types[name] = map[string]string{}
			tt.addFields(tt.types[name], t)
		}
		return name
	}
	panic(fmt.Sprintf("typeinfo: unsupported type %v", t))
}

// addFields records a struct's JSON fields; embedded (inline) structs add theirs to it.
func (tt *typeTable) addFields(fields map[string]string, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		parts := strings.Split(tag, ",")
		name, opts := parts[0], parts[1:]
		if f.Anonymous && (name == "" || contains(opts, "inline")) {
			tt.addFields(fields, f.Type)
			continue
		}
		if name == "" {
			name = f.Name
		}
		flag := ""
		if contains(opts, "omitempty") {
			flag += "o"
		}
		if contains(opts, "omitzero") {
			flag += "z"
		}
		fields[name] = flag + ":" + tt.code(f.Type)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func cmdTypeinfo(_ []string, _ io.Reader, stdout, _ io.Writer) int {
	tt := &typeTable{types: map[string]map[string]string{}}
	roots := map[string]string{}
	names := make([]string, 0, len(typeRoots))
	for k := range typeRoots {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		roots[k] = tt.code(reflect.TypeOf(typeRoots[k]))
	}
	out := map[string]any{"source": dependencyVersions(), "roots": roots, "types": tt.types}
	b, _ := json.MarshalIndent(out, "", " ")
	fmt.Fprintln(stdout, string(b))
	return 0
}

func dependencyVersions() []string {
	var out []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range bi.Deps {
			if dep.Path == "k8s.io/api" || dep.Path == "k8s.io/apimachinery" || dep.Path == "github.com/openshift/api" {
				out = append(out, dep.Path+" "+dep.Version)
			}
		}
	}
	return out
}
