# Everything scripts/deploy.sh turns into Helm values (docs/infrastructure.md, "From outputs to Helm values").

output "region" {
  description = "AWS region of the environment."
  value       = var.region
}

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name)."
  value       = module.platform.cluster_name
}

output "cluster_endpoint" {
  description = "API server endpoint of the cluster."
  value       = module.platform.cluster_endpoint
}

output "vpc_id" {
  description = "VPC of the environment."
  value       = module.platform.vpc_id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC (the Task API chart's networkPolicy.databaseTo)."
  value       = module.platform.vpc_cidr
}

output "autoscaler_role_arn" {
  description = "IRSA role of the autoscaler's service account (serviceAccount annotation eks.amazonaws.com/role-arn)."
  value       = module.platform.autoscaler_role_arn
}

output "task_api_role_arn" {
  description = "IRSA role of the Task API's service account."
  value       = module.platform.task_api_role_arn
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes (GitHub environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = module.platform.deploy_role_arn
}

output "plan_role_arn" {
  description = "Role the terraform workflow assumes for plans on pull requests."
  value       = module.platform.plan_role_arn
}

output "ecr_repository_urls" {
  description = "Image repository URL by repository name (runnerscale/autoscaler, runnerscale/task-api)."
  value       = module.platform.ecr_repository_urls
}

output "database_address" {
  description = "Host name of the PostgreSQL instance."
  value       = module.platform.database_address
}

output "database_port" {
  description = "Port of the PostgreSQL instance."
  value       = module.platform.database_port
}

output "database_name" {
  description = "Database both workloads use, each in its own schema."
  value       = module.platform.database_name
}

output "database_secret_arn" {
  description = "Secrets Manager secret of the database master user (JSON: username, password)."
  value       = module.platform.database_secret_arn
}

output "runner_pools" {
  description = "Per runner pool: labels, max runners, pods per node, spot and on-demand Auto Scaling group names."
  value       = module.platform.runner_pools
}
