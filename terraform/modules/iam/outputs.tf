output "autoscaler_role_arn" {
  description = "IRSA role of the autoscaler: the eks.amazonaws.com/role-arn annotation of its service account."
  value       = aws_iam_role.autoscaler.arn
}

output "task_api_role_arn" {
  description = "IRSA role of the Task API: the eks.amazonaws.com/role-arn annotation of its service account."
  value       = aws_iam_role.task_api.arn
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes through GitHub OIDC (GitHub environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = aws_iam_role.deploy.arn
}

output "plan_role_arn" {
  description = "Read-only role the terraform workflow assumes on pull requests (repository variable AWS_PLAN_ROLE_ARN_<ENV>)."
  value       = aws_iam_role.plan.arn
}

output "github_oidc_provider_arn" {
  description = "ARN of the account's GitHub Actions OIDC provider."
  value       = local.github_oidc_arn
}
