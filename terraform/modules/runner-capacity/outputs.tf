output "spot_group_name" {
  description = "Name of the spot Auto Scaling group (capacity.auto-scaling-group.spot-group of the pool)."
  value       = module.spot.autoscaling_group_name
}

output "on_demand_group_name" {
  description = "Name of the on-demand fallback Auto Scaling group (capacity.auto-scaling-group.on-demand-group of the pool)."
  value       = module.on_demand.autoscaling_group_name
}

output "spot_group_arn" {
  description = "ARN of the spot Auto Scaling group."
  value       = module.spot.autoscaling_group_arn
}

output "on_demand_group_arn" {
  description = "ARN of the on-demand fallback Auto Scaling group."
  value       = module.on_demand.autoscaling_group_arn
}

output "node_role_arn" {
  description = "IAM role of the pool's runner nodes."
  value       = aws_iam_role.node.arn
}

output "node_taint" {
  description = "Taint on every runner node of the pool; runner pods must tolerate it."
  value       = local.runner_taint
}
