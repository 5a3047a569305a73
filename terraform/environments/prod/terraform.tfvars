# prod: three zones with a NAT gateway each, protected database and cluster, deployments from version tags.
region             = "us-west-2"
environment        = "prod"
cluster_name       = "runnerscale-prod"
kubernetes_version = "1.33"
vpc_cidr           = "10.30.0.0/16"
single_nat_gateway = false
# Replace with the operators' and CI's egress addresses before the first apply.
endpoint_public_access_cidrs = ["0.0.0.0/0"]

system_node_instance_types = ["m6i.large", "m5.large"]
system_node_min_size       = 3
system_node_max_size       = 20
system_node_desired_size   = 3

runner_pools = {
  linux-x64-spot = {
    labels         = ["self-hosted", "linux", "x64", "spot"]
    max_runners    = 10
    instance_types = ["m6i.large", "m5.large", "m6a.large", "m5a.large", "m7i.large", "c6i.xlarge"]
  }
  linux-x64-large = {
    labels         = ["self-hosted", "linux", "x64", "large"]
    max_runners    = 5
    instance_types = ["m6i.2xlarge", "m5.2xlarge", "m6a.2xlarge", "m7i.2xlarge"]
  }
}

db_instance_class        = "db.t3.small"
db_backup_retention_days = 14
db_multi_az              = true
deletion_protection      = true

github_repository           = "runnerscale/runnerscale"
github_deploy_refs          = ["refs/tags/v*"]
create_github_oidc_provider = true
state_bucket                = "runnerscale-tfstate-prod"
state_key                   = "runnerscale/prod/terraform.tfstate"
ecr_force_delete            = false
