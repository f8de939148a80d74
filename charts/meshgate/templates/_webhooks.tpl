{{/* Pieces of the webhook configurations (mutatingwebhook.yaml, validatingwebhook.yaml), written at column 0 and indented where they are used. */}}

{{/* Metadata annotations of a webhook configuration: cert-manager's CA injector in certManager mode. */}}
{{- define "meshgate.webhookAnnotations" -}}
{{- if eq .Values.certificates.mode "certManager" -}}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "meshgate.certificateName" . }}
{{- end -}}
{{- end -}}

{{/* clientConfig: the Service, or webhooks.url for a meshgate outside the cluster; path in .path. */}}
{{- define "meshgate.clientConfig" -}}
clientConfig:
{{- if .root.Values.webhooks.url }}
  url: {{ printf "%s%s" (trimSuffix "/" .root.Values.webhooks.url) .path }}
{{- else }}
  service:
    name: {{ include "meshgate.fullname" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: {{ .root.Values.service.port }}
{{- end -}}
{{- end -}}

{{/* One label selector requirement, as a list item. */}}
{{- define "meshgate.expr" -}}
- key: {{ .key }}
  operator: {{ .operator }}
{{- if hasKey . "values" }}
  values: {{ toJson .values }}
{{- end -}}
{{- end -}}

{{/* The kubernetes.io/metadata.name NotIn requirement of the excluded namespaces. */}}
{{- define "meshgate.exclusion" -}}
{{- $list := list -}}
{{- range .excluded }}{{ $list = append $list . }}{{ end -}}
{{- if not (has .namespace $list) }}{{ $list = append $list .namespace }}{{ end -}}
{{ include "meshgate.expr" (dict "key" "kubernetes.io/metadata.name" "operator" "NotIn" "values" $list) }}
{{- end -}}

{{/*
One injection entry. dict: root, name, ns (namespaceSelector matchExpressions before the
exclusions), obj (objectSelector matchExpressions).
*/}}
{{- define "meshgate.injectionEntry" -}}
- name: {{ .name }}
  namespaceSelector:
    matchExpressions:
{{- range .ns }}
    {{- include "meshgate.expr" . | nindent 4 }}
{{- end }}
    {{- include "meshgate.exclusion" (dict "excluded" .root.Values.webhooks.injection.excludedNamespaces "namespace" .root.Release.Namespace) | nindent 4 }}
{{- range .root.Values.webhooks.injection.namespaceSelector }}
    {{- include "meshgate.expr" . | nindent 4 }}
{{- end }}
  objectSelector:
    matchExpressions:
{{- range .obj }}
    {{- include "meshgate.expr" . | nindent 4 }}
{{- end }}
{{- range .root.Values.webhooks.injection.objectSelector }}
    {{- include "meshgate.expr" . | nindent 4 }}
{{- end }}
  {{- include "meshgate.clientConfig" (dict "root" .root "path" "/inject") | nindent 2 }}
  rules:
    - operations: ["CREATE"]
      apiGroups: [""]
      apiVersions: ["v1"]
      resources: ["pods"]
      scope: Namespaced
  sideEffects: NoneOnDryRun
  admissionReviewVersions: ["v1", "v1beta1"]
  failurePolicy: {{ .root.Values.webhooks.injection.failurePolicy }}
  matchPolicy: Equivalent
  reinvocationPolicy: Never
  timeoutSeconds: {{ .root.Values.webhooks.timeoutSeconds }}
{{- end -}}

{{/* The two istio.io/rev entries for revision (or tag) .rev; .prefix keeps a tag's entry names unique. */}}
{{- define "meshgate.revisionEntries" -}}
{{- $rev := .rev -}}
{{- $prefix := default "" .prefix -}}
# Namespaces labelled istio.io/rev={{ $rev }} (and no istio-injection label).
{{ include "meshgate.injectionEntry" (dict "root" .root "name" (printf "rev.namespace.%ssidecar-injector.meshgate.io" $prefix)
  "ns" (list (dict "key" "istio.io/rev" "operator" "In" "values" (list $rev)) (dict "key" "istio-injection" "operator" "DoesNotExist"))
  "obj" (list (dict "key" "sidecar.istio.io/inject" "operator" "NotIn" "values" (list "false")))) }}
# Pods labelled istio.io/rev={{ $rev }} in namespaces without injection labels.
{{ include "meshgate.injectionEntry" (dict "root" .root "name" (printf "rev.object.%ssidecar-injector.meshgate.io" $prefix)
  "ns" (list (dict "key" "istio.io/rev" "operator" "DoesNotExist") (dict "key" "istio-injection" "operator" "DoesNotExist"))
  "obj" (list (dict "key" "sidecar.istio.io/inject" "operator" "NotIn" "values" (list "false")) (dict "key" "istio.io/rev" "operator" "In" "values" (list $rev)))) }}
{{- end -}}
