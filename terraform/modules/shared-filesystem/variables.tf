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
  description = "Security groups allowed to mount over NFS (the EKS nodes)."
  type        = list(string)
}
