// Command gotypes writes the Go type and function tables that meshgate's Go template engine
// needs to present Istio's template data the way Go's text/template sees it: the types reachable
// from Istio's SidecarTemplateData (Kubernetes structs, protobuf messages, enums), their JSON
// field names, method names, and the signatures of the template functions (Sprig overlaid with
// Istio's). It reads them by reflection from the pinned modules; nothing is copied by hand.
//
//	go run . > ../../src/inject/render/gotemplate/generated/gotypes.ts
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"istio.io/istio/pkg/kube/inject"
)

// Field flags, as the TypeScript side reads them.
const (
	flagOmitEmpty = 1
	flagEmbedded  = 2
	flagInline    = 4
	flagOneof     = 8
	flagNoJSON    = 16
)

type method struct {
	Name string   `json:"n"`
	In   []string `json:"i"`
	Out  []string `json:"o"`
	Var  bool     `json:"v,omitempty"`
}

type oneofChoice struct {
	JSON    string `json:"j"`
	Wrapper string `json:"w"`
	Field   string `json:"f"`
	Type    string `json:"t"`
}

type typeDesc struct {
	Kind    string          `json:"k"`
	Elem    string          `json:"e,omitempty"`
	Key     string          `json:"key,omitempty"`
	Fields  [][]any         `json:"f,omitempty"`
	Oneofs  map[string][]oneofChoice `json:"o,omitempty"`
	Value   []method        `json:"mv,omitempty"`
	Pointer []method        `json:"mp,omitempty"`
	Enum    [][]any         `json:"en,omitempty"`
	Proto   string          `json:"pb,omitempty"`
	Methods int             `json:"nm,omitempty"`
}

var (
	types   = map[string]*typeDesc{}
	msgType = reflect.TypeOf((*proto.Message)(nil)).Elem()
	enumIf  = reflect.TypeOf((*protoreflect.Enum)(nil)).Elem()
)

func name(t reflect.Type) string { return t.String() }

// simpleResult reports whether a method result is worth describing: templates can only use
// results they can print, compare or walk further (not functions, channels or reflection).
func simpleResult(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return false
	case reflect.Interface:
		return t.NumMethod() == 0 || t.String() == "error"
	}
	return !strings.HasPrefix(t.PkgPath(), "google.golang.org/protobuf/reflect") && !strings.HasPrefix(t.PkgPath(), "google.golang.org/protobuf/internal")
}

func methods(t reflect.Type) []method {
	var out []method
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		if !m.IsExported() {
			continue
		}
		ft := m.Type
		start := 1
		if t.Kind() == reflect.Interface {
			start = 0
		}
		mm := method{Name: m.Name, Var: ft.IsVariadic()}
		simple := ft.NumIn() == start
		for j := start; j < ft.NumIn(); j++ {
			mm.In = append(mm.In, name(ft.In(j)))
		}
		for j := 0; j < ft.NumOut(); j++ {
			simple = simple && simpleResult(ft.Out(j))
		}
		for j := 0; j < ft.NumOut(); j++ {
			if simple {
				mm.Out = append(mm.Out, visit(ft.Out(j)))
			} else {
				mm.Out = append(mm.Out, name(ft.Out(j)))
			}
		}
		out = append(out, mm)
	}
	return out
}

func minus(all, base []method) []method {
	seen := map[string]bool{}
	for _, m := range base {
		seen[m.Name] = true
	}
	var out []method
	for _, m := range all {
		if !seen[m.Name] {
			out = append(out, m)
		}
	}
	return out
}

// visit records t and everything reachable from it; returns its key.
func visit(t reflect.Type) string {
	key := name(t)
	if _, ok := types[key]; ok {
		return key
	}
	d := &typeDesc{Kind: t.Kind().String()}
	types[key] = d
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		d.Elem = visit(t.Elem())
	case reflect.Map:
		d.Key = visit(t.Key())
		d.Elem = visit(t.Elem())
	case reflect.Struct:
		structFields(t, d)
	case reflect.Interface:
		d.Methods = t.NumMethod()
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return key
	}
	if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer {
		d.Value = methods(t)
		d.Pointer = minus(methods(reflect.PointerTo(t)), d.Value)
	}
	if t.Implements(enumIf) && t.Kind() == reflect.Int32 {
		e := reflect.Zero(t).Interface().(protoreflect.Enum).Descriptor()
		for i := 0; i < e.Values().Len(); i++ {
			v := e.Values().Get(i)
			d.Enum = append(d.Enum, []any{string(v.Name()), int32(v.Number())})
		}
	}
	return key
}

func protoDescriptor(t reflect.Type) protoreflect.MessageDescriptor {
	if !reflect.PointerTo(t).Implements(msgType) {
		return nil
	}
	return reflect.New(t).Interface().(proto.Message).ProtoReflect().Descriptor()
}

func structFields(t reflect.Type, d *typeDesc) {
	md := protoDescriptor(t)
	if md != nil {
		d.Proto = string(md.FullName())
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		flags := 0
		jsonName := f.Name
		if f.Anonymous {
			flags |= flagEmbedded
		}
		if tag, ok := f.Tag.Lookup("json"); ok {
			parts := strings.Split(tag, ",")
			if parts[0] == "-" {
				flags |= flagNoJSON
			} else if parts[0] != "" {
				jsonName = parts[0]
			}
			for _, p := range parts[1:] {
				if p == "omitempty" {
					flags |= flagOmitEmpty
				}
				if p == "inline" {
					flags |= flagInline
				}
			}
			if f.Anonymous && parts[0] == "" {
				flags |= flagInline
			}
		}
		if md != nil {
			if pb, ok := f.Tag.Lookup("protobuf"); ok {
				for _, p := range strings.Split(pb, ",") {
					if strings.HasPrefix(p, "name=") {
						if fd := md.Fields().ByName(protoreflect.Name(strings.TrimPrefix(p, "name="))); fd != nil {
							jsonName = fd.JSONName()
						}
					}
				}
			}
			if oneof, ok := f.Tag.Lookup("protobuf_oneof"); ok {
				flags |= flagOneof
				jsonName = oneof
				od := md.Oneofs().ByName(protoreflect.Name(oneof))
				if d.Oneofs == nil {
					d.Oneofs = map[string][]oneofChoice{}
				}
				for j := 0; j < od.Fields().Len(); j++ {
					fd := od.Fields().Get(j)
					getter, ok := reflect.PointerTo(t).MethodByName("Get" + goCamel(string(fd.Name())))
					if !ok {
						panic("no getter for oneof " + string(fd.Name()))
					}
					d.Oneofs[f.Name] = append(d.Oneofs[f.Name], oneofChoice{
						JSON: fd.JSONName(), Wrapper: strings.SplitN(t.String(), ".", 2)[0] + "." + t.Name() + "_" + goCamel(string(fd.Name())),
						Field: goCamel(string(fd.Name())), Type: visit(getter.Type.Out(0)),
					})
				}
			}
		}
		entry := []any{f.Name, jsonName, visit(f.Type), flags}
		if pn := protoName(f); pn != "" && pn != jsonName {
			entry = append(entry, pn)
		}
		d.Fields = append(d.Fields, entry)
	}
}

// protoName is the proto field name of a generated message field, when it has one.
func protoName(f reflect.StructField) string {
	pb, ok := f.Tag.Lookup("protobuf")
	if !ok {
		return ""
	}
	for _, p := range strings.Split(pb, ",") {
		if strings.HasPrefix(p, "name=") {
			return strings.TrimPrefix(p, "name=")
		}
	}
	return ""
}

// goCamel is protoc-gen-go's Go name of a proto field name.
func goCamel(s string) string {
	var b strings.Builder
	up := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			up = true
		case up && c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
			up = false
		default:
			b.WriteByte(c)
			up = c >= '0' && c <= '9'
		}
	}
	return b.String()
}

func funcs(fm template.FuncMap) map[string]method {
	out := map[string]method{}
	for n, f := range fm {
		ft := reflect.TypeOf(f)
		m := method{Name: n, Var: ft.IsVariadic()}
		for j := 0; j < ft.NumIn(); j++ {
			m.In = append(m.In, visit(ft.In(j)))
		}
		for j := 0; j < ft.NumOut(); j++ {
			m.Out = append(m.Out, visit(ft.Out(j)))
		}
		out[n] = m
	}
	return out
}

func versions() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var parts []string
	for _, d := range info.Deps {
		switch d.Path {
		case "istio.io/istio", "istio.io/api", "k8s.io/api", "k8s.io/apimachinery", "github.com/Masterminds/sprig/v3", "google.golang.org/protobuf":
			parts = append(parts, d.Path+" "+d.Version)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func main() {
	root := visit(reflect.TypeOf(&inject.SidecarTemplateData{}))
	fm := funcs(sprig.TxtFuncMap())
	for n, m := range funcs(inject.InjectionFuncmap) {
		fm[n] = m
	}
	typesJSON, _ := json.Marshal(types)
	funcsJSON, _ := json.Marshal(fm)
	w := os.Stdout
	fmt.Fprintln(w, "// Generated by scripts/gotypes from Go reflection over the pinned modules; do not edit.")
	fmt.Fprintf(w, "// Sources (Apache-2.0 and MIT licences): %s.\n", versions())
	fmt.Fprintln(w, "// The Go types Istio's injection templates see, and the signatures of their functions.")
	fmt.Fprintln(w, "import type { FuncTable, TypeTable } from '../types.js';")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "export const ROOT_TYPE = %q;\n\n", root)
	fmt.Fprintf(w, "export const TYPES: TypeTable = JSON.parse(%s);\n\n", quoteJS(string(typesJSON)))
	fmt.Fprintf(w, "export const FUNCS: FuncTable = JSON.parse(%s);\n", quoteJS(string(funcsJSON)))
}

func quoteJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
