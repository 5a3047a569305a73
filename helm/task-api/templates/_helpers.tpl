{{- define "taskapi.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskapi.fullname" -}}
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

{{- define "taskapi.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskapi.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "taskapi.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "taskapi.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runnerscale
{{- end }}

{{- define "taskapi.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "taskapi.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "taskapi.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "taskapi.databaseSecret" -}}
{{- /* an empty remote key leaves the database Secret to you (existingSecret), as scripts/deploy.sh does */}}
{{- if and .Values.externalSecrets.enabled .Values.externalSecrets.database.key }}{{ include "taskapi.fullname" . }}-database{{ else }}{{ .Values.database.existingSecret }}{{ end }}
{{- end }}

{{- define "taskapi.bootstrapSecret" -}}
{{- if and .Values.externalSecrets.enabled .Values.externalSecrets.bootstrapToken.key }}{{ include "taskapi.fullname" . }}-bootstrap-token{{ else }}{{ .Values.bootstrapToken.existingSecret }}{{ end }}
{{- end }}

{{/* The database connection, from the Secret (shared by the pods and the migration Job). */}}
{{- define "taskapi.databaseEnv" -}}
- name: SPRING_DATASOURCE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapi.databaseSecret" . }}
      key: {{ .Values.database.urlKey }}
- name: SPRING_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapi.databaseSecret" . }}
      key: {{ .Values.database.usernameKey }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "taskapi.databaseSecret" . }}
      key: {{ .Values.database.passwordKey }}
{{- end }}
