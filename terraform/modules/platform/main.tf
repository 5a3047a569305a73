# Everything one environment of Runnerscale runs on: network, EKS with a system node group, the runner pools'
# Auto Scaling groups, IAM, PostgreSQL and the image repositories. environments/<env> call this with their sizes.

data "aws_availability_zones" "available" {
  state = "available"
  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  azs  = slice(data.aws_availability_zones.available.names, 0, 3)
  tags = merge(var.tags, { "runnerscale.dev/environment" = var.environment })

  image_repositories = ["runnerscale/autoscaler", "runnerscale/task-api"]
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = var.cluster_name
  cidr = var.vpc_cidr
  azs  = local.azs

  # /20 private subnets: VPC CNI gives every pod a VPC address, runners included.
  private_subnets  = [for i in range(3) : cidrsubnet(var.vpc_cidr, 4, i)]
  public_subnets   = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, 48 + i)]
  database_subnets = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, 52 + i)]

  create_database_subnet_group = true
  enable_nat_gateway           = true
  single_nat_gateway           = var.single_nat_gateway
  one_nat_gateway_per_az       = !var.single_nat_gateway
  enable_dns_hostnames         = true
  enable_dns_support           = true

  public_subnet_tags = {
    "kubernetes.io/role/elb" = "1"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = "1"
  }

  tags = local.tags
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = var.cluster_name
  kubernetes_version = var.kubernetes_version

  vpc_id                       = module.vpc.vpc_id
  subnet_ids                   = module.vpc.private_subnets
  endpoint_public_access       = true
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  endpoint_private_access      = true

  enable_irsa                              = true
  enable_cluster_creator_admin_permissions = true
  deletion_protection                      = var.deletion_protection

  addons = {
    coredns    = {}
    kube-proxy = {}
    vpc-cni = {
      before_compute = true
    }
    eks-pod-identity-agent = {
      before_compute = true
    }
  }

  eks_managed_node_groups = {
    system = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.system_node_instance_types
      capacity_type  = "ON_DEMAND"
      min_size       = var.system_node_min_size
      max_size       = var.system_node_max_size
      desired_size   = var.system_node_desired_size
      labels = {
        "runnerscale.dev/role" = "system"
      }
    }
  }

  tags = local.tags
}

module "runner_capacity" {
  source   = "../runner-capacity"
  for_each = var.runner_pools

  pool_name      = each.key
  instance_types = each.value.instance_types
  # Whole nodes: a pool of max 10 runners at 2 pods a node needs 5 nodes, in either group.
  spot_max_size      = ceil(each.value.max_runners / each.value.pods_per_node)
  on_demand_max_size = ceil(each.value.max_runners / each.value.pods_per_node)

  cluster_name                      = module.eks.cluster_name
  cluster_endpoint                  = module.eks.cluster_endpoint
  cluster_auth_base64               = module.eks.cluster_certificate_authority_data
  cluster_service_cidr              = module.eks.cluster_service_cidr
  cluster_primary_security_group_id = module.eks.cluster_primary_security_group_id
  node_security_group_id            = module.eks.node_security_group_id
  kubernetes_version                = var.kubernetes_version
  subnet_ids                        = module.vpc.private_subnets

  tags = local.tags
}

module "ecr" {
  source = "../ecr"

  repositories = local.image_repositories
  force_delete = var.ecr_force_delete
  tags         = local.tags
}

module "database" {
  source = "../database"

  identifier           = var.cluster_name
  vpc_id               = module.vpc.vpc_id
  db_subnet_group_name = module.vpc.database_subnet_group_name
  client_security_group_ids = [
    module.eks.node_security_group_id,
    module.eks.cluster_primary_security_group_id,
  ]
  instance_class        = var.db_instance_class
  backup_retention_days = var.db_backup_retention_days
  deletion_protection   = var.deletion_protection
  multi_az              = var.db_multi_az
  tags                  = local.tags
}

module "iam" {
  source = "../iam"

  name_prefix                 = var.cluster_name
  environment                 = var.environment
  oidc_provider_arn           = module.eks.oidc_provider_arn
  database_secret_arn         = module.database.master_user_secret_arn
  ecr_repository_arns         = values(module.ecr.repository_arns)
  cluster_arn                 = module.eks.cluster_arn
  github_repository           = var.github_repository
  github_deploy_refs          = var.github_deploy_refs
  create_github_oidc_provider = var.create_github_oidc_provider
  state_bucket                = var.state_bucket
  state_key                   = var.state_key
  tags                        = local.tags
}

# The deploy role installs both charts (which create cluster-scoped RBAC for the autoscaler), hence cluster
# admin; the role itself can only be assumed by this repository's guarded deployments.
resource "aws_eks_access_entry" "deploy" {
  cluster_name  = module.eks.cluster_name
  principal_arn = module.iam.deploy_role_arn
  type          = "STANDARD"
  tags          = local.tags
}

resource "aws_eks_access_policy_association" "deploy" {
  cluster_name  = module.eks.cluster_name
  principal_arn = aws_eks_access_entry.deploy.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
