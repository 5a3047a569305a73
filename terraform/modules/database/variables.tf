variable "identifier" {
  description = "RDS instance identifier, normally the cluster name."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database's security group."
  type        = string
}

variable "db_subnet_group_name" {
  description = "DB subnet group over the VPC's private database subnets."
  type        = string
}

variable "client_security_group_ids" {
  description = "Security groups whose members (the cluster's nodes, hence its pods) may connect to PostgreSQL."
  type        = list(string)
}

variable "instance_class" {
  description = "RDS instance class (db.t3.micro in dev, db.t3.small in prod)."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version; RDS applies minor versions itself."
  type        = string
  default     = "17"
}

variable "allocated_storage_gib" {
  description = "Initial storage in GiB; storage autoscaling grows it up to max_allocated_storage_gib."
  type        = number
  default     = 20
}

variable "max_allocated_storage_gib" {
  description = "Upper bound of storage autoscaling in GiB."
  type        = number
  default     = 100
}

variable "database_name" {
  description = "Database created with the instance; the autoscaler and the Task API keep their tables in their own schemas in it."
  type        = string
  default     = "runnerscale"
}

variable "master_username" {
  description = "Master user name; its password is generated and kept by RDS in Secrets Manager."
  type        = string
  default     = "runnerscale"
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 1..35: 0 would turn automated backups off."
  }
}

variable "deletion_protection" {
  description = "Refuse deletion of the instance (prod); when false, destroy also skips the final snapshot."
  type        = bool
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second zone."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
