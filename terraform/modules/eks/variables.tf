variable "name" {
  type = string
}

variable "kubernetes_version" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "private_subnet_ids" {
  type = list(string)
}

variable "admin_cidrs" {
  description = "Address blocks allowed to reach the private API endpoint (besides the VPC)."
  type        = list(string)
}

variable "cpu_nodes" {
  type = object({ min = number, desired = number, max = number, instance_types = list(string) })
}

variable "gpu_nodes" {
  type = object({ min = number, desired = number, max = number, instance_types = list(string) })
}
