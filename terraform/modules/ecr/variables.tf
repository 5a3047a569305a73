variable "repositories" {
  description = "Names of the ECR repositories to create, e.g. runnerscale/autoscaler."
  type        = list(string)
}

variable "keep_tagged_images" {
  description = "How many tagged images each repository keeps; older ones expire."
  type        = number
  default     = 50
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (left-over layers of interrupted pushes) expire."
  type        = number
  default     = 7
}

variable "force_delete" {
  description = "Allow destroying a repository that still holds images (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every repository."
  type        = map(string)
  default     = {}
}
