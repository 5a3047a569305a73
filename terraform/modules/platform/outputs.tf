output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "API server endpoint of the cluster."
  value       = module.eks.cluster_endpoint
}

output "vpc_id" {
  description = "VPC of the environment."
  value       = module.vpc.vpc_id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC: where the database is, for the Task API's NetworkPolicy egress."
  value       = module.vpc.vpc_cidr_block
}

output "autoscaler_role_arn" {
  description = "IRSA role of the autoscaler's service account."
  value       = module.iam.autoscaler_role_arn
}

output "task_api_role_arn" {
  description = "IRSA role of the Task API's service account."
  value       = module.iam.task_api_role_arn
}

output "deploy_role_arn" {
  description = "Role of the deploy workflow (GitHub environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = module.iam.deploy_role_arn
}

output "plan_role_arn" {
  description = "Read-only role of the terraform workflow's plan on pull requests."
  value       = module.iam.plan_role_arn
}

output "ecr_repository_urls" {
  description = "Image repository URL by repository name."
  value       = module.ecr.repository_urls
}

output "database_address" {
  description = "Host name of the PostgreSQL instance."
  value       = module.database.address
}

output "database_port" {
  description = "Port of the PostgreSQL instance."
  value       = module.database.port
}

output "database_name" {
  description = "Database both workloads use, each in its own schema."
  value       = module.database.database_name
}

output "database_secret_arn" {
  description = "Secrets Manager secret (username, password) of the database's master user."
  value       = module.database.master_user_secret_arn
}

output "runner_pools" {
  description = "Per runner pool: labels, max runners, pods per node and the two Auto Scaling groups, as the autoscaler's pool configuration needs them."
  value = {
    for name, pool in var.runner_pools : name => {
      labels          = pool.labels
      max_runners     = pool.max_runners
      pods_per_node   = pool.pods_per_node
      spot_group      = module.runner_capacity[name].spot_group_name
      on_demand_group = module.runner_capacity[name].on_demand_group_name
      node_taint      = module.runner_capacity[name].node_taint
    }
  }
}
