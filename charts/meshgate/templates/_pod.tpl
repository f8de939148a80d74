{{/* Scheduling and settings pieces of the Deployment (deployment.yaml). */}}

{{/* affinity: the anti-affinity preset merged with .Values.affinity. */}}
{{- define "meshgate.affinity" -}}
{{- $aff := deepCopy .Values.affinity -}}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "meshgate.selectorLabels" . | fromYaml)) -}}
{{- if and (eq .Values.podAntiAffinity "soft") (not (hasKey $aff "podAntiAffinity")) -}}
{{- $_ := set $aff "podAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 100 "podAffinityTerm" $term))) -}}
{{- else if and (eq .Values.podAntiAffinity "hard") (not (hasKey $aff "podAntiAffinity")) -}}
{{- $_ := set $aff "podAntiAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (list $term)) -}}
{{- end -}}
{{- if $aff }}
affinity:
  {{- toYaml $aff | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* topologySpreadConstraints: zones (optional) and the user's, with the pods' labels as default selector. */}}
{{- define "meshgate.topologySpread" -}}
{{- $selector := dict "matchLabels" (include "meshgate.selectorLabels" . | fromYaml) -}}
{{- $list := list -}}
{{- if .Values.zoneSpread.enabled -}}
{{- $list = append $list (dict "maxSkew" .Values.zoneSpread.maxSkew "topologyKey" "topology.kubernetes.io/zone" "whenUnsatisfiable" .Values.zoneSpread.whenUnsatisfiable "labelSelector" $selector) -}}
{{- end -}}
{{- range .Values.topologySpreadConstraints -}}
{{- $list = append $list (merge (deepCopy .) (dict "labelSelector" $selector)) -}}
{{- end -}}
{{- if $list }}
topologySpreadConstraints:
  {{- toYaml $list | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* meshgate serve settings (MESHGATE_* variables) that follow from the values. */}}
{{- define "meshgate.settingsEnv" -}}
- name: MESHGATE_SERVICE_NAME
  value: {{ include "meshgate.fullname" . }}
- name: MESHGATE_SECRET_NAME
  value: {{ include "meshgate.secretName" . }}
- name: MESHGATE_LEASE_NAME
  value: {{ include "meshgate.leaseName" . }}
# The Secret and Leases meshgate creates are owned by this Deployment: uninstalling removes them.
- name: MESHGATE_OWNER_DEPLOYMENT
  value: {{ include "meshgate.fullname" . }}
- name: MESHGATE_MUTATING_WEBHOOK_NAME
  value: {{ include "meshgate.mutatingName" . }}
{{- if .Values.webhooks.validation.enabled }}
- name: MESHGATE_VALIDATING_WEBHOOK_NAME
  value: {{ include "meshgate.validatingName" . }}
- name: MESHGATE_VALIDATING_FAIL_CLOSED
  value: {{ eq .Values.webhooks.validation.failurePolicy "Fail" | quote }}
- name: MESHGATE_PROBE_NAMESPACE
  value: {{ .Values.webhooks.validation.probeNamespace }}
{{- end }}
{{- if .Values.revision }}
- name: MESHGATE_REVISION
  value: {{ .Values.revision }}
{{- end }}
- name: MESHGATE_ISTIO_NAMESPACE
  value: {{ .Values.istio.namespace }}
{{- with .Values.revisionTags }}
- name: MESHGATE_REVISION_TAGS
  value: {{ join "," . | quote }}
{{- end }}
- name: MESHGATE_INJECTOR_CONFIGMAP
  value: {{ include "meshgate.injectorConfigMap" . }}
- name: MESHGATE_MESH_CONFIGMAP
  value: {{ include "meshgate.meshConfigMap" . }}
{{- with include "meshgate.controlPlaneEnv" . }}
- name: MESHGATE_CONTROL_PLANE_ENV
  value: {{ . | quote }}
{{- end }}
- name: MESHGATE_NATIVE_SIDECARS
  value: {{ .Values.istio.nativeSidecars | quote }}
- name: MESHGATE_CERT_MANAGEMENT
  value: {{ include "meshgate.certManagement" . }}
{{- with .Values.certificates.extraSANs }}
- name: MESHGATE_CERT_EXTRA_SANS
  value: {{ join "," . | quote }}
{{- end }}
{{- if eq .Values.certificates.mode "builtin" }}
- name: MESHGATE_CERT_VALIDITY
  value: {{ .Values.certificates.builtin.certValidity }}
- name: MESHGATE_CA_VALIDITY
  value: {{ .Values.certificates.builtin.caValidity }}
- name: MESHGATE_ROTATE_AT
  value: {{ .Values.certificates.builtin.rotateAt | quote }}
{{- end }}
- name: MESHGATE_EVENTS
  value: {{ .Values.events.enabled | quote }}
- name: MESHGATE_ADMISSION_EVENTS
  value: {{ .Values.events.admission | quote }}
{{- if .Values.metrics.port }}
# GET /metrics in plain HTTP for Prometheus (the HTTPS port serves it too).
- name: MESHGATE_METRICS_LISTEN
  value: "0.0.0.0:{{ .Values.metrics.port }}"
{{- end }}
- name: MESHGATE_ANALYSIS_WARNINGS
  value: {{ .Values.analysis.warnings | quote }}
- name: MESHGATE_LOG_LEVEL
  value: {{ .Values.logLevel }}
{{- end -}}
