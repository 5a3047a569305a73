module "platform" {
  source = "../../modules/platform"

  environment                  = var.environment
  cluster_name                 = var.cluster_name
  kubernetes_version           = var.kubernetes_version
  vpc_cidr                     = var.vpc_cidr
  single_nat_gateway           = var.single_nat_gateway
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs

  system_node_instance_types = var.system_node_instance_types
  system_node_min_size       = var.system_node_min_size
  system_node_max_size       = var.system_node_max_size
  system_node_desired_size   = var.system_node_desired_size

  runner_pools = var.runner_pools

  db_instance_class        = var.db_instance_class
  db_backup_retention_days = var.db_backup_retention_days
  db_multi_az              = var.db_multi_az
  deletion_protection      = var.deletion_protection

  github_repository           = var.github_repository
  github_deploy_refs          = var.github_deploy_refs
  create_github_oidc_provider = var.create_github_oidc_provider
  state_bucket                = var.state_bucket
  state_key                   = var.state_key
  ecr_force_delete            = var.ecr_force_delete
}
