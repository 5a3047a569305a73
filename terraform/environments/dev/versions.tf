terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.28, < 7.0"
    }
  }

  # Partial configuration: the bucket is per account and given at init
  # (terraform init -backend-config="bucket=<state bucket>"; scripts/deploy.sh and the workflows do).
  # use_lockfile keeps an S3 lock object beside the state, so two applies never run at once.
  backend "s3" {
    key          = "runnerscale/dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "runnerscale.dev/environment" = var.environment
      "managed-by"                  = "terraform"
      "repository"                  = var.github_repository
    }
  }
}
