# dev: small and cheap; destroyed and rebuilt freely (scripts/deploy.sh cleanup dev).
region             = "us-east-1"
environment        = "dev"
cluster_name       = "runnerscale-dev"
kubernetes_version = "1.33"
vpc_cidr           = "10.20.0.0/16"
single_nat_gateway = true
# Replace with the operators' and CI's egress addresses before the first apply.
endpoint_public_access_cidrs = ["0.0.0.0/0"]

system_node_instance_types = ["t3.large", "t3a.large"]
system_node_min_size       = 1
system_node_max_size       = 3
system_node_desired_size   = 1

runner_pools = {
  linux-x64-spot = {
    labels         = ["self-hosted", "linux", "x64", "spot"]
    max_runners    = 3
    instance_types = ["m6i.large", "m5.large", "m6a.large", "m5a.large", "c6i.xlarge"]
  }
}

db_instance_class        = "db.t3.micro"
db_backup_retention_days = 3
db_multi_az              = false
deletion_protection      = false

github_repository           = "runnerscale/runnerscale"
github_deploy_refs          = ["refs/heads/main"]
create_github_oidc_provider = true
state_bucket                = "runnerscale-tfstate-dev"
state_key                   = "runnerscale/dev/terraform.tfstate"
ecr_force_delete            = true
