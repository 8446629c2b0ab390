locals {
  # Private subnets only: no internet gateway, no NAT. AWS services are reached through VPC endpoints.
  private_subnets = { for index, zone in var.availability_zones : zone => cidrsubnet(var.cidr, 4, index) }
  interface_endpoints = ["ecr.api", "ecr.dkr", "sts", "logs", "kms", "ec2", "elasticloadbalancing", "eks", "eks-auth"]
}
