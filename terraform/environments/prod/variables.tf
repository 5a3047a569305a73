variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "environment" {
  description = "Environment name (dev, prod); also the GitHub environment that guards its deployments."
  type        = string
}

variable "cluster_name" {
  description = "EKS cluster name; prefixes the runner groups, IAM roles and the database identifier."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster and of the runner nodes' AMI."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC; split into public, private (nodes, pods) and database subnets over three zones."
  type        = string
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper, dev) instead of one per zone (prod)."
  type        = bool
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the cluster's public API endpoint (the operators' and CI's egress addresses)."
  type        = list(string)
}

variable "system_node_instance_types" {
  description = "Instance types of the on-demand managed node group that runs the autoscaler, the Task API and cluster add-ons."
  type        = list(string)
}

variable "system_node_min_size" {
  description = "Minimum number of system nodes."
  type        = number
}

variable "system_node_max_size" {
  description = "Maximum number of system nodes."
  type        = number
}

variable "system_node_desired_size" {
  description = "Initial number of system nodes (ignored by later applies)."
  type        = number
}

variable "runner_pools" {
  description = "Runner pools backed by Auto Scaling groups, by pool name (the autoscaler's runnerscale.pools[*].name): the pool's runs-on labels, its max runners, how many runner pods fit one node, and the instance types to launch."
  type = map(object({
    labels         = list(string)
    max_runners    = number
    pods_per_node  = optional(number, 1)
    instance_types = list(string)
  }))

  validation {
    condition     = alltrue([for pool in values(var.runner_pools) : pool.max_runners >= 0 && pool.max_runners <= 1000 && pool.pods_per_node >= 1])
    error_message = "max_runners must be 0..1000 (the autoscaler's hard cap range) and pods_per_node at least 1."
  }
}

variable "db_instance_class" {
  description = "RDS instance class of the PostgreSQL database."
  type        = string
}

variable "db_backup_retention_days" {
  description = "Days of automated database backups."
  type        = number
}

variable "deletion_protection" {
  description = "Protect the database and the EKS cluster against deletion (prod)."
  type        = bool
}

variable "db_multi_az" {
  description = "Run the database with a standby in a second zone."
  type        = bool
}

variable "github_repository" {
  description = "owner/name of this repository: its workflows assume the deploy and plan roles through OIDC."
  type        = string
}

variable "github_deploy_refs" {
  description = "Refs (glob) whose jobs without a GitHub environment may assume the deploy role."
  type        = list(string)
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false if another stack in the account has it)."
  type        = bool
}

variable "state_bucket" {
  description = "S3 bucket of the Terraform state (read by the deploy role for outputs, by the plan role for plans)."
  type        = string
}

variable "state_key" {
  description = "Key of this environment's state in the state bucket."
  type        = string
}

variable "ecr_force_delete" {
  description = "Let terraform destroy delete image repositories that still hold images (dev)."
  type        = bool
}

