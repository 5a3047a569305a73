variable "name_prefix" {
  description = "Prefix of every IAM name, normally the cluster name (runnerscale-dev, runnerscale-prod)."
  type        = string
}

variable "environment" {
  description = "Environment name; also the GitHub environment whose jobs may assume the deploy role."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (IRSA), from the EKS module."
  type        = string
}

variable "autoscaler_service_account" {
  description = "Namespace and name of the autoscaler's Kubernetes service account, as namespace:name."
  type        = string
  default     = "runnerscale:runnerscale"
}

variable "task_api_service_account" {
  description = "Namespace and name of the Task API's Kubernetes service account, as namespace:name."
  type        = string
  default     = "task-api:task-api"
}

variable "database_secret_arn" {
  description = "ARN of the database master secret in Secrets Manager that the workloads and the deploy role may read."
  type        = string
}

variable "ecr_repository_arns" {
  description = "ARNs of the ECR repositories the deploy role pushes images to."
  type        = list(string)
}

variable "cluster_arn" {
  description = "ARN of the EKS cluster the deploy role deploys to (eks:DescribeCluster for its kubeconfig)."
  type        = string
}

variable "github_repository" {
  description = "The repository (owner/name) whose workflows may assume the deploy and plan roles."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "github_deploy_refs" {
  description = "Git refs (glob) that may deploy to this environment without a GitHub environment, e.g. refs/heads/main or refs/tags/v*."
  type        = list(string)
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub Actions OIDC provider; false when another stack in the same account already did (there can be only one per URL)."
  type        = bool
  default     = true
}

variable "state_bucket" {
  description = "S3 bucket holding the Terraform state, which the plan role reads and the deploy role reads outputs from."
  type        = string
}

variable "state_key" {
  description = "Key of this environment's state object in the state bucket."
  type        = string
}

variable "tags" {
  description = "Tags added to every IAM resource."
  type        = map(string)
  default     = {}
}
