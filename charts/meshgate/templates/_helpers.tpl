{{/* Names, labels and the image reference shared by every template. */}}

{{/* Base name: "meshgate" unless overridden. */}}
{{- define "meshgate.base" -}}
{{- default "meshgate" .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* "-<revision>" for a revision install, "" for the default revision. */}}
{{- define "meshgate.revSuffix" -}}
{{- if .Values.revision }}-{{ .Values.revision }}{{ end -}}
{{- end -}}

{{/* Name of the Deployment, Service, ServiceAccount and RBAC objects. */}}
{{- define "meshgate.fullname" -}}
{{- printf "%s%s" (include "meshgate.base" .) (include "meshgate.revSuffix" .) -}}
{{- end -}}

{{- define "meshgate.secretName" -}}{{ include "meshgate.fullname" . }}-certs{{- end -}}
{{- define "meshgate.leaseName" -}}{{ include "meshgate.fullname" . }}-leader{{- end -}}
{{- define "meshgate.mutatingName" -}}{{ include "meshgate.base" . }}-sidecar-injector{{ include "meshgate.revSuffix" . }}{{- end -}}
{{- define "meshgate.validatingName" -}}{{ include "meshgate.base" . }}-validator{{ include "meshgate.revSuffix" . }}{{- end -}}
{{- define "meshgate.certificateName" -}}{{ include "meshgate.fullname" . }}-serving{{- end -}}

{{/* The Service's DNS name, which the serving certificate names. */}}
{{- define "meshgate.serviceHost" -}}{{ include "meshgate.fullname" . }}.{{ .Release.Namespace }}.svc{{- end -}}

{{/* Labels every object carries. */}}
{{- define "meshgate.labels" -}}
app.kubernetes.io/name: meshgate
app.kubernetes.io/part-of: meshgate
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of meshgate's Pods (immutable in a Deployment: never add to these). */}}
{{- define "meshgate.selectorLabels" -}}
app: {{ include "meshgate.fullname" . }}
{{- end -}}

{{/* registry/repository:tag or registry/repository@digest. */}}
{{- define "meshgate.image" -}}
{{- $repo := .Values.image.repository -}}
{{- if .Values.image.registry }}{{ $repo = printf "%s/%s" .Values.image.registry .Values.image.repository }}{{ end -}}
{{- if .Values.image.digest -}}
{{ $repo }}@{{ .Values.image.digest }}
{{- else -}}
{{ $repo }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}
{{- end -}}


{{/* The certificate mode's name as meshgate's --cert-management setting spells it. */}}
{{- define "meshgate.certManagement" -}}
{{- if eq .Values.certificates.mode "certManager" }}external{{ else }}builtin{{ end -}}
{{- end -}}

{{/* The Secret key holding the CA(s) a client should trust. */}}
{{- define "meshgate.caKey" -}}
{{- if eq .Values.certificates.mode "certManager" }}ca.crt{{ else }}ca-bundle.crt{{ end -}}
{{- end -}}

{{/* Pods of a system-*-critical class outside kube-system need a quota on clusters that limit them. */}}
{{- define "meshgate.needsQuota" -}}
{{- if and .Values.priorityClass.resourceQuota.enabled (has .Values.priorityClass.name (list "system-cluster-critical" "system-node-critical")) (ne .Release.Namespace "kube-system") }}true{{ end -}}
{{- end -}}
