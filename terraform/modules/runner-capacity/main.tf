# One runner pool's capacity for the autoscaler's `auto-scaling-group` provider: a spot group and an on-demand
# fallback group, both self-managed (plain Auto Scaling groups with a launch template) and both at min 0. The
# autoscaler sets their desired capacity itself, so the names, tags, node labels and taint below are a contract
# with it (docs/infrastructure.md, "Runner nodes"); infra-checks' RunnerCapacityContractTest keeps them so.

locals {
  spot_group_name      = "${var.cluster_name}-${var.pool_name}-spot"
  on_demand_group_name = "${var.cluster_name}-${var.pool_name}-on-demand"

  runner_taint = "runnerscale.dev/runners=true:NoSchedule"

  # Self-managed nodes label themselves at registration; kubelet only refuses labels under kubernetes.io and
  # k8s.io, so the runnerscale.dev keys are allowed.
  spot_node_labels      = "runnerscale.dev/pool=${var.pool_name},runnerscale.dev/capacity-type=spot"
  on_demand_node_labels = "runnerscale.dev/pool=${var.pool_name},runnerscale.dev/capacity-type=on-demand"

  block_device_mappings = {
    root = {
      device_name = "/dev/xvda"
      ebs = {
        volume_size           = var.root_volume_size_gib
        volume_type           = "gp3"
        encrypted             = true
        delete_on_termination = true
      }
    }
  }
}

# One node role per pool, shared by both groups: the maintained module would create one per group with a name
# derived from the group name, which exceeds IAM's 38-character prefix limit for long pool names.
data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_partition" "current" {}

resource "aws_iam_role" "node" {
  name_prefix        = "rs-runner-node-"
  description        = "Runner nodes of pool ${var.pool_name} in ${var.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
  tags               = merge(var.tags, { "runnerscale.dev/pool" = var.pool_name })
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonSSMManagedInstanceCore",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.value}"
}

resource "aws_iam_instance_profile" "node" {
  name_prefix = "rs-runner-node-"
  role        = aws_iam_role.node.name
  tags        = var.tags
}

resource "aws_eks_access_entry" "node" {
  cluster_name  = var.cluster_name
  principal_arn = aws_iam_role.node.arn
  type          = "EC2_LINUX"
  tags          = var.tags
}

module "spot" {
  source  = "terraform-aws-modules/eks/aws//modules/self-managed-node-group"
  version = "21.19.0"

  name            = local.spot_group_name
  use_name_prefix = false

  cluster_name                      = var.cluster_name
  cluster_endpoint                  = var.cluster_endpoint
  cluster_auth_base64               = var.cluster_auth_base64
  cluster_service_cidr              = var.cluster_service_cidr
  cluster_primary_security_group_id = var.cluster_primary_security_group_id
  vpc_security_group_ids            = [var.node_security_group_id]
  create_security_group             = false
  kubernetes_version                = var.kubernetes_version
  ami_type                          = "AL2023_x86_64_STANDARD"

  create_iam_instance_profile = false
  iam_instance_profile_arn    = aws_iam_instance_profile.node.arn
  create_access_entry         = false

  subnet_ids   = var.subnet_ids
  min_size     = 0
  max_size     = var.spot_max_size
  desired_size = 0
  # Rebalance recommendations start a replacement before the two-minute interruption notice.
  capacity_rebalance = true

  instance_type              = var.instance_types[0]
  use_mixed_instances_policy = true
  mixed_instances_policy = {
    instances_distribution = {
      on_demand_base_capacity                  = 0
      on_demand_percentage_above_base_capacity = 0
      spot_allocation_strategy                 = "price-capacity-optimized"
    }
    launch_template = {
      override = [for instance_type in var.instance_types : { instance_type = instance_type }]
    }
  }

  block_device_mappings = local.block_device_mappings

  cloudinit_pre_nodeadm = [
    {
      content_type = "application/node.eks.aws"
      content      = <<-EOT
        ---
        apiVersion: node.eks.aws/v1alpha1
        kind: NodeConfig
        spec:
          kubelet:
            flags:
              - --node-labels=${local.spot_node_labels}
              - --register-with-taints=${local.runner_taint}
      EOT
    }
  ]

  autoscaling_group_tags = {
    "runnerscale.dev/managed"           = "true"
    "runnerscale.dev/pool"              = var.pool_name
    "runnerscale.dev/capacity-type"     = "spot"
    "k8s.io/cluster-autoscaler/enabled" = "false"
  }

  tags = var.tags
}

module "on_demand" {
  source  = "terraform-aws-modules/eks/aws//modules/self-managed-node-group"
  version = "21.19.0"

  name            = local.on_demand_group_name
  use_name_prefix = false

  cluster_name                      = var.cluster_name
  cluster_endpoint                  = var.cluster_endpoint
  cluster_auth_base64               = var.cluster_auth_base64
  cluster_service_cidr              = var.cluster_service_cidr
  cluster_primary_security_group_id = var.cluster_primary_security_group_id
  vpc_security_group_ids            = [var.node_security_group_id]
  create_security_group             = false
  kubernetes_version                = var.kubernetes_version
  ami_type                          = "AL2023_x86_64_STANDARD"

  create_iam_instance_profile = false
  iam_instance_profile_arn    = aws_iam_instance_profile.node.arn
  create_access_entry         = false

  subnet_ids   = var.subnet_ids
  min_size     = 0
  max_size     = var.on_demand_max_size
  desired_size = 0

  # The fallback launches the first type that has capacity, in the pool's order of preference.
  instance_type              = var.instance_types[0]
  use_mixed_instances_policy = true
  mixed_instances_policy = {
    instances_distribution = {
      on_demand_base_capacity                  = 0
      on_demand_percentage_above_base_capacity = 100
      on_demand_allocation_strategy            = "prioritized"
    }
    launch_template = {
      override = [for instance_type in var.instance_types : { instance_type = instance_type }]
    }
  }

  block_device_mappings = local.block_device_mappings

  cloudinit_pre_nodeadm = [
    {
      content_type = "application/node.eks.aws"
      content      = <<-EOT
        ---
        apiVersion: node.eks.aws/v1alpha1
        kind: NodeConfig
        spec:
          kubelet:
            flags:
              - --node-labels=${local.on_demand_node_labels}
              - --register-with-taints=${local.runner_taint}
      EOT
    }
  ]

  autoscaling_group_tags = {
    "runnerscale.dev/managed"           = "true"
    "runnerscale.dev/pool"              = var.pool_name
    "runnerscale.dev/capacity-type"     = "on-demand"
    "k8s.io/cluster-autoscaler/enabled" = "false"
  }

  tags = var.tags
}
