variable "cluster_name" {
  description = "Name of the EKS cluster the runner nodes join; the first part of every Auto Scaling group name."
  type        = string
}

variable "cluster_endpoint" {
  description = "API server endpoint of the cluster, written into the nodes' nodeadm configuration."
  type        = string
}

variable "cluster_auth_base64" {
  description = "Base64 certificate authority data of the cluster, written into the nodes' nodeadm configuration."
  type        = string
}

variable "cluster_service_cidr" {
  description = "Service CIDR of the cluster (nodeadm derives the cluster DNS address from it)."
  type        = string
}

variable "cluster_primary_security_group_id" {
  description = "The cluster's primary security group, attached to runner nodes so that the control plane reaches their kubelets."
  type        = string
}

variable "node_security_group_id" {
  description = "The shared node security group of the cluster (node-to-node and node-to-control-plane rules)."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster; selects the EKS-optimised AL2023 AMI."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the runner groups launch into; several zones give spot more pools to choose from."
  type        = list(string)
}

variable "pool_name" {
  description = "Runner pool name exactly as in the autoscaler's runnerscale.pools[*].name (DNS-1123 label, at most 40 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.pool_name)) && length(var.pool_name) <= 40
    error_message = "pool_name must be a DNS-1123 label of at most 40 characters, as the autoscaler requires."
  }
}

variable "instance_types" {
  description = "Instance types the spot group may launch, in order of preference for the on-demand fallback; several types give price-capacity-optimized room to avoid interrupted pools."
  type        = list(string)

  validation {
    condition     = length(var.instance_types) >= 2
    error_message = "Give at least two instance types: a spot group limited to one type runs dry with its only pool."
  }
}

variable "spot_max_size" {
  description = "Upper bound of the spot group; the autoscaler never asks for more than the pool's max runners divided by pods per node."
  type        = number
}

variable "on_demand_max_size" {
  description = "Upper bound of the on-demand fallback group, used only while spot capacity is unavailable."
  type        = number
}

variable "root_volume_size_gib" {
  description = "Size of each runner node's root volume in GiB (images, workspaces and docker-in-docker storage live there)."
  type        = number
  default     = 100
}

variable "tags" {
  description = "Tags added to every resource of the pool (the contract tags of the groups are added by the module itself)."
  type        = map(string)
  default     = {}
}
