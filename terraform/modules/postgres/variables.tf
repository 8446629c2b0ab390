variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "client_security_groups" {
  description = "Security groups allowed to connect on 5432 (the EKS nodes)."
  type        = list(string)
}

variable "instance_class" {
  type = string
}

variable "backup_retention_days" {
  type = number
  validation {
    condition     = var.backup_retention_days >= 7
    error_message = "Keep at least 7 days of automated backups."
  }
}
