#!/usr/bin/env bash
# Deploys, verifies, rolls back and tears down one Runnerscale environment (dev or prod).
#
#   scripts/deploy.sh deploy   <env>             terraform apply, then charts, then verify
#   scripts/deploy.sh charts   <env>             both Helm releases from the Terraform outputs (--atomic)
#   scripts/deploy.sh values   <env> <dir>       only write the two values files 'charts' would install, to review
#   scripts/deploy.sh verify   <env>             rollouts, readiness, and a queued job that gets a runner
#   scripts/deploy.sh rollback <env> [revision]  both releases back to a revision (default: the previous one)
#   scripts/deploy.sh cleanup  <env>             Helm releases and their load balancers first, then terraform destroy
#
# Environment:
#   TF_STATE_BUCKET   state bucket (default runnerscale-tfstate-<env>, see docs/infrastructure.md)
#   IMAGE_TAG         image tag to deploy (charts, deploy; default: the tag the release runs now)
#   GITHUB_OWNER      organisation whose jobs the runner pools serve (charts, deploy, values)
#   GITHUB_APP_ID     the GitHub App's id (charts, deploy, values; its private key: Secret runnerscale-autoscaler-github)
#   GITHUB_APP_INSTALLATION_ID  optional pin of the App's installation (default: looked up per organisation)
#   AUTO_APPROVE=1    terraform apply / destroy without asking (CI)
#   CONFIRM_DESTROY   must equal the environment's name for cleanup of prod
#   VERIFY_RUNNER     auto (default: dispatch the smoke workflow when gh is authenticated), required, or skip
#   HELM_TIMEOUT      per release (default 10m)
# Needs terraform, aws, kubectl, helm and jq; gh for the runner check.
set -euo pipefail

readonly AUTOSCALER_RELEASE=runnerscale AUTOSCALER_NAMESPACE=runnerscale
readonly TASK_API_RELEASE=task-api TASK_API_NAMESPACE=task-api
readonly RUNNER_NAMESPACE=runnerscale-runners
readonly RUNNER_TOLERATION='{"key":"runnerscale.dev/runners","operator":"Exists","value":"","effect":"NoSchedule"}'

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly root

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

log() { printf '%s deploy.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is required (see docs/infrastructure.md, 'Tools')"
  done
}

tf() { terraform -chdir="$root/terraform/environments/$env" "$@"; }

tf_init() {
  tf init -input=false -reconfigure -backend-config="bucket=$state_bucket" >&2
}

# One read of the outputs per run; every value the charts get comes from here.
outputs_json=""
output() {
  [[ -n "$outputs_json" ]] || outputs_json="$(tf output -json)"
  jq -er --arg name "$1" '.[$name].value' <<<"$outputs_json" \
    || die "terraform output $1 is missing: has '$env' been applied (scripts/deploy.sh deploy $env)?"
}

kubeconfig() {
  aws eks update-kubeconfig --region "$(output region)" --name "$(output cluster_name)" \
    --alias "runnerscale-$env" >&2
  kubectl config use-context "runnerscale-$env" >/dev/null
}

ensure_namespace() {
  kubectl create namespace "$1" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
}

# The database password lives in Secrets Manager (RDS manages and rotates it). It is copied, with the JDBC URL of
# the workload's schema, into one Kubernetes Secret per workload (the keys the charts read: url, username,
# password) through files in a private directory, never through a command line or the log.
sync_database_secret() {
  local namespace="$1" name="$2" schema="$3" dir="$work/secret"
  mkdir -m 700 "$dir"
  aws secretsmanager get-secret-value --region "$(output region)" --secret-id "$(output database_secret_arn)" \
    --query SecretString --output text >"$dir/secret.json"
  jq -j .username "$dir/secret.json" >"$dir/username"
  jq -j .password "$dir/secret.json" >"$dir/password"
  jdbc_url "$schema" >"$dir/url"
  kubectl -n "$namespace" create secret generic "$name" \
    --from-file=url="$dir/url" --from-file=username="$dir/username" --from-file=password="$dir/password" \
    --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  rm -rf "$dir"
  log "secret $namespace/$name is current"
}

current_tag() {
  helm -n "$1" get values "$2" -o json 2>/dev/null | jq -r '.image.tag // empty'
}

jdbc_url() {
  printf 'jdbc:postgresql://%s:%s/%s?currentSchema=%s&sslmode=require' \
    "$(output database_address)" "$(output database_port)" "$(output database_name)" "$1"
}

# Values of the autoscaler chart over the environment's values file: image, IRSA role, the database Secret, the
# GitHub App, and one pool per Terraform runner pool, driven through its Auto Scaling groups (capacity provider
# auto-scaling-group). JSON is YAML, so helm reads it as is. chart-checks renders what this writes through the
# chart and binds it into the application's configuration (DeployScriptValuesTest).
autoscaler_values() {
  jq -n \
    --arg repository "$(output ecr_repository_urls | jq -r '."runnerscale/autoscaler"')" \
    --arg tag "$1" \
    --arg role "$(output autoscaler_role_arn)" \
    --arg owner "$GITHUB_OWNER" \
    --arg app_id "${GITHUB_APP_ID:-}" \
    --arg installation_id "${GITHUB_APP_INSTALLATION_ID:-}" \
    --arg runner_namespace "$RUNNER_NAMESPACE" \
    --argjson toleration "$RUNNER_TOLERATION" \
    --argjson pools "$(output runner_pools)" '
    {
      image: {repository: $repository, tag: $tag},
      serviceAccount: {roleArn: $role},
      # the database Secret is the one sync_database_secret writes, also where the values of the environment
      # turn External Secrets on for the others (an empty remote key leaves a Secret to us)
      database: {existingSecret: "runnerscale-database"},
      externalSecrets: {database: {key: ""}},
      github: ({}
        + (if $app_id != "" then {appId: $app_id} else {} end)
        + (if $installation_id != "" then {installationId: $installation_id} else {} end)),
      pools: [
        $pools | to_entries[] | {
          name: .key,
          labels: .value.labels,
          github: {owner: $owner},
          max: .value.max_runners,
          namespace: $runner_namespace,
          pod: {
            "node-selector": {"runnerscale.dev/pool": .key},
            tolerations: [$toleration]
          },
          capacity: {
            provider: "auto-scaling-group",
            "auto-scaling-group": {
              "spot-group": .value.spot_group,
              "on-demand-group": .value.on_demand_group,
              "pods-per-node": .value.pods_per_node
            }
          }
        }
      ]
    }'
}

task_api_values() {
  jq -n \
    --arg repository "$(output ecr_repository_urls | jq -r '."runnerscale/task-api"')" \
    --arg tag "$1" \
    --arg role "$(output task_api_role_arn)" \
    --arg vpc_cidr "$(output vpc_cidr)" '
    {
      image: {repository: $repository, tag: $tag},
      serviceAccount: {roleArn: $role},
      database: {existingSecret: "task-api-database"},
      externalSecrets: {database: {key: ""}},
      networkPolicy: {databaseTo: [{ipBlock: {cidr: $vpc_cidr}}]}
    }'
}

# The environment's values file of the chart (sizes, replicas), then the values from the Terraform outputs over it.
# helm --atomic: a release that does not become ready in time is rolled back to the last good revision.
install_release() {
  local release="$1" namespace="$2" chart="$3" values="$4"
  log "helm upgrade --install $release ($chart) in $namespace"
  helm upgrade --install "$release" "$root/$chart" \
    --namespace "$namespace" \
    --values "$root/$chart/values-$env.yaml" \
    --values "$values" \
    --atomic --wait --timeout "${HELM_TIMEOUT:-10m}" \
    --history-max 10
}

cmd_charts() {
  need terraform aws kubectl helm jq
  [[ -n "${GITHUB_OWNER:-}" ]] || die "GITHUB_OWNER (the organisation whose jobs the pools serve) is not set"
  tf_init
  kubeconfig
  local autoscaler_tag task_api_tag
  autoscaler_tag="${IMAGE_TAG:-$(current_tag "$AUTOSCALER_NAMESPACE" "$AUTOSCALER_RELEASE")}"
  task_api_tag="${IMAGE_TAG:-$(current_tag "$TASK_API_NAMESPACE" "$TASK_API_RELEASE")}"
  [[ -n "$autoscaler_tag" && -n "$task_api_tag" ]] || die "IMAGE_TAG is not set and no release runs yet"

  for namespace in "$AUTOSCALER_NAMESPACE" "$TASK_API_NAMESPACE" "$RUNNER_NAMESPACE"; do
    ensure_namespace "$namespace"
  done
  sync_database_secret "$AUTOSCALER_NAMESPACE" runnerscale-database autoscaler
  sync_database_secret "$TASK_API_NAMESPACE" task-api-database taskapi

  autoscaler_values "$autoscaler_tag" >"$work/autoscaler.json"
  task_api_values "$task_api_tag" >"$work/task-api.json"
  install_release "$AUTOSCALER_RELEASE" "$AUTOSCALER_NAMESPACE" helm/autoscaler "$work/autoscaler.json"
  install_release "$TASK_API_RELEASE" "$TASK_API_NAMESPACE" helm/task-api "$work/task-api.json"
}

# The values files 'charts' would install, without a cluster: to review them, and for chart-checks.
cmd_values() {
  need terraform jq
  local dir="${1:-}"
  [[ -n "$dir" && -d "$dir" ]] || die "values needs an existing directory to write autoscaler.json and task-api.json to"
  [[ -n "${GITHUB_OWNER:-}" ]] || die "GITHUB_OWNER (the organisation whose jobs the pools serve) is not set"
  [[ -n "${IMAGE_TAG:-}" ]] || die "IMAGE_TAG is not set"
  tf_init
  autoscaler_values "$IMAGE_TAG" >"$dir/autoscaler.json"
  task_api_values "$IMAGE_TAG" >"$dir/task-api.json"
  log "wrote $dir/autoscaler.json and $dir/task-api.json (over values-$env.yaml of each chart)"
}

cmd_deploy() {
  need terraform aws kubectl helm jq
  tf_init
  local approve=()
  [[ "${AUTO_APPROVE:-0}" == 1 ]] && approve=(-auto-approve)
  log "terraform apply ($env)"
  tf apply -input=false "${approve[@]}" -var "state_bucket=$state_bucket"
  outputs_json=""
  cmd_charts
  cmd_verify
}

# A readiness probe read through the API server's service proxy: no port-forward, no public endpoint.
check_ready() {
  local namespace="$1" service="$2"
  kubectl get --raw "/api/v1/namespaces/$namespace/services/http:$service:8081/proxy/actuator/health/readiness" \
    | jq -e '.status == "UP"' >/dev/null || die "$namespace/$service is not ready"
  log "$namespace/$service is ready"
}

# The end-to-end check: a real queued job (the smoke workflow) that completes only if a runner picks it up.
verify_runner() {
  local mode="${VERIFY_RUNNER:-auto}" since run_id=""
  if [[ "$mode" == skip ]]; then
    log "SKIPPED the runner check (VERIFY_RUNNER=skip)"
    return
  fi
  if ! command -v gh >/dev/null 2>&1 || ! gh auth status >/dev/null 2>&1; then
    [[ "$mode" == required ]] && die "the runner check needs gh, authenticated (GH_TOKEN with actions: write)"
    log "SKIPPED the runner check: gh is not installed or not authenticated (set VERIFY_RUNNER=required to insist)"
    return
  fi
  since="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  log "queueing the smoke workflow for $env"
  gh workflow run smoke.yml --ref "${GITHUB_REF_NAME:-main}" -f environment="$env"
  for _ in $(seq 1 30); do
    run_id="$(gh run list --workflow smoke.yml --event workflow_dispatch --created ">=$since" \
      --json databaseId --jq '.[0].databaseId // empty')"
    [[ -n "$run_id" ]] && break
    sleep 2
  done
  [[ -n "$run_id" ]] || die "the smoke workflow run did not appear"
  log "waiting for smoke run $run_id to get a runner and finish"
  gh run watch "$run_id" --exit-status --interval 10 >&2 || die "smoke run $run_id did not succeed: no runner?"
  log "a queued job got a runner and completed"
}

cmd_verify() {
  need terraform aws kubectl jq
  tf_init
  kubeconfig
  kubectl -n "$AUTOSCALER_NAMESPACE" rollout status "deployment/$AUTOSCALER_RELEASE" --timeout=5m
  kubectl -n "$TASK_API_NAMESPACE" rollout status "deployment/$TASK_API_RELEASE" --timeout=5m
  check_ready "$AUTOSCALER_NAMESPACE" "$AUTOSCALER_RELEASE"
  check_ready "$TASK_API_NAMESPACE" "$TASK_API_RELEASE"
  verify_runner
}

cmd_rollback() {
  need terraform aws kubectl helm jq
  local revision="${1:-0}" # helm: 0 = the previous revision
  [[ "$revision" =~ ^[0-9]+$ ]] || die "revision must be a number (helm history shows them)"
  tf_init
  kubeconfig
  for release in "$AUTOSCALER_RELEASE:$AUTOSCALER_NAMESPACE" "$TASK_API_RELEASE:$TASK_API_NAMESPACE"; do
    log "helm rollback ${release%%:*} to revision $revision"
    helm rollback "${release%%:*}" "$revision" --namespace "${release##*:}" --wait --timeout "${HELM_TIMEOUT:-10m}"
  done
  cmd_verify
}

load_balancers() {
  kubectl get services --all-namespaces -o json \
    | jq -r '.items[] | select(.spec.type == "LoadBalancer") | "\(.metadata.namespace)/\(.metadata.name)"'
}

# Order matters: a LoadBalancer Service owns an AWS load balancer and its security group inside the VPC, and
# runner pods hold nodes of the runner groups. Destroying the VPC first would hang on them, so the releases and
# their load balancers go first, then the runners, then Terraform.
cmd_cleanup() {
  need terraform aws kubectl helm jq
  if [[ "$env" == prod && "${CONFIRM_DESTROY:-}" != prod ]]; then
    die "refusing to destroy prod without CONFIRM_DESTROY=prod (and deletion protection off in its tfvars)"
  fi
  tf_init
  if kubeconfig 2>/dev/null; then
    for release in "$TASK_API_RELEASE:$TASK_API_NAMESPACE" "$AUTOSCALER_RELEASE:$AUTOSCALER_NAMESPACE"; do
      if helm status "${release%%:*}" --namespace "${release##*:}" >/dev/null 2>&1; then
        log "helm uninstall ${release%%:*}"
        helm uninstall "${release%%:*}" --namespace "${release##*:}" --wait --timeout "${HELM_TIMEOUT:-10m}"
      fi
    done
    kubectl delete namespace "$RUNNER_NAMESPACE" --ignore-not-found --wait=true --timeout=10m
    local remaining=""
    for _ in $(seq 1 60); do
      remaining="$(load_balancers)"
      [[ -z "$remaining" ]] && break
      log "waiting for load balancers to go: $(tr '\n' ' ' <<<"$remaining")"
      sleep 10
    done
    [[ -z "$remaining" ]] || die "load balancers remain ($remaining); delete those Services, then run cleanup again"
  else
    log "no cluster to clean (already destroyed?); going on with terraform destroy"
  fi
  local approve=()
  [[ "${AUTO_APPROVE:-0}" == 1 ]] && approve=(-auto-approve)
  log "terraform destroy ($env)"
  tf destroy -input=false "${approve[@]}" -var "state_bucket=$state_bucket"
}

[[ $# -ge 2 ]] || usage
command="$1" env="$2"
shift 2
case "$env" in
  dev | prod) ;;
  *) die "unknown environment '$env' (dev or prod)" ;;
esac
state_bucket="${TF_STATE_BUCKET:-runnerscale-tfstate-$env}"
# Values files and the database secret's files while they are copied; private, and gone when the script ends.
work="$(mktemp -d)"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

case "$command" in
  deploy) cmd_deploy ;;
  charts) cmd_charts ;;
  values) cmd_values "$@" ;;
  verify) cmd_verify ;;
  rollback) cmd_rollback "$@" ;;
  cleanup) cmd_cleanup ;;
  *) usage ;;
esac
