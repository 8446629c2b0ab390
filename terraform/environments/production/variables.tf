variable "region" {
  description = "AWS region. Health data stays in Japan (データを日本国内で保持): Tokyo by default, Osaka allowed."
  type        = string
  default     = "ap-northeast-1"
  validation {
    condition     = contains(["ap-northeast-1", "ap-northeast-3"], var.region)
    error_message = "The region must be in Japan: ap-northeast-1 (Tokyo) or ap-northeast-3 (Osaka)."
  }
}

variable "account_id" {
  description = "The AWS account this installation lives in."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "spe"
}

variable "vpc_cidr" {
  description = "Address block of the VPC; private subnets are carved from it."
  type        = string
  default     = "10.0.0.0/16"
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
  default     = "1.33"
}

variable "admin_cidrs" {
  description = "Address blocks (VPN, bastion) allowed to reach the private EKS API endpoint."
  type        = list(string)
  default     = []
}

variable "cpu_nodes" {
  description = "CPU node pool size: min, desired and max nodes."
  type        = object({ min = number, desired = number, max = number, instance_types = list(string) })
  default     = { min = 2, desired = 3, max = 20, instance_types = ["m7i.4xlarge"] }
}

variable "gpu_nodes" {
  description = "GPU node pool size (NVIDIA); min 0 so it costs nothing while unused."
  type        = object({ min = number, desired = number, max = number, instance_types = list(string) })
  default     = { min = 0, desired = 0, max = 4, instance_types = ["g6.4xlarge"] }
}

variable "postgres_instance_class" {
  description = "RDS instance class of the platform database."
  type        = string
  default     = "db.r7g.large"
}

variable "backup_retention_days" {
  description = "Days RDS keeps automated backups (point-in-time recovery window)."
  type        = number
  default     = 35
}

variable "audit_retention_days" {
  description = "Days audit exports are kept under object lock (at least a year)."
  type        = number
  default     = 1827
}
