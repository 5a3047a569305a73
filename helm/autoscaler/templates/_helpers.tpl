{{- define "autoscaler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "autoscaler.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "autoscaler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "autoscaler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "autoscaler.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "autoscaler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runnerscale
{{- end }}

{{- define "autoscaler.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "autoscaler.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "autoscaler.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The distinct namespaces of the pools' runner pods, as a list. */}}
{{- define "autoscaler.runnerNamespaces" -}}
{{- $seen := dict }}
{{- range .Values.pools }}
{{- $_ := set $seen (default "runnerscale-runners" .namespace) true }}
{{- end }}
{{- keys $seen | sortAlpha | toJson }}
{{- end }}

{{/* Whether any pool of namespace $ns opts into Docker-in-Docker (a privileged side container). */}}
{{- define "autoscaler.namespaceHasDind" -}}
{{- $ns := .ns }}
{{- $dind := false }}
{{- range .pools }}
{{- if and (eq (default "runnerscale-runners" .namespace) $ns) .pod }}
{{- if (get .pod "docker-in-docker") }}{{ $dind = true }}{{ end }}
{{- end }}
{{- end }}
{{- $dind }}
{{- end }}

{{- define "autoscaler.githubTokenMode" -}}
{{- if .Values.externalSecrets.enabled }}{{ if .Values.externalSecrets.github.tokenProperty }}true{{ end }}{{ else }}{{ if .Values.github.tokenKey }}true{{ end }}{{ end }}
{{- end }}

{{- define "autoscaler.apiTokenEnabled" -}}
{{- if .Values.externalSecrets.enabled }}{{ if .Values.externalSecrets.api.tokenProperty }}true{{ end }}{{ else }}{{ if .Values.api.existingSecret }}true{{ end }}{{ end }}
{{- end }}

{{/* The name of one of the chart's Secrets: (list $ "github"|"webhook"|"api"|"database"). */}}
{{- define "autoscaler.secretName" -}}
{{- $root := index . 0 }}
{{- $which := index . 1 }}
{{- /* from Secrets Manager when External Secrets is on and the Secret has a remote key; an empty key leaves that Secret
       to you (existingSecret), e.g. the database Secret scripts/deploy.sh writes from the RDS-managed password */}}
{{- if and $root.Values.externalSecrets.enabled (get (get $root.Values.externalSecrets $which) "key") }}
{{- printf "%s-%s" (include "autoscaler.fullname" $root) $which }}
{{- else }}
{{- get (get $root.Values $which) "existingSecret" }}
{{- end }}
{{- end }}
