terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
  # State holds resource ids, not data; keep it in an encrypted, versioned bucket in the same region.
  backend "s3" {
    key     = "spe/production.tfstate"
    region  = "ap-northeast-1"
    encrypt = true
  }
}

provider "aws" {
  region = var.region
  # Refuse to touch any other account by mistake.
  allowed_account_ids = [var.account_id]
  default_tags {
    tags = local.tags
  }
}
