# A production installation of SPE on AWS: private network, EKS (private endpoint) with CPU and GPU node pools,
# S3 lake, RDS PostgreSQL, EFS for the platform's data directory and extracts, a KMS key for Vault auto-unseal, and
# a sink for audit exports. See docs/kubernetes.md and docs/operations.md.

module "network" {
  source             = "../../modules/network"
  name               = var.name
  cidr               = var.vpc_cidr
  availability_zones = slice(data.aws_availability_zones.available.names, 0, 3)
  region             = var.region
}

module "eks" {
  source             = "../../modules/eks"
  name               = var.name
  kubernetes_version = var.kubernetes_version
  vpc_id             = module.network.vpc_id
  private_subnet_ids = module.network.private_subnet_ids
  admin_cidrs        = var.admin_cidrs
  cpu_nodes          = var.cpu_nodes
  gpu_nodes          = var.gpu_nodes
}

module "lake" {
  source = "../../modules/lake"
  name   = var.name
}

module "postgres" {
  source                 = "../../modules/postgres"
  name                   = var.name
  vpc_id                 = module.network.vpc_id
  private_subnet_ids     = module.network.private_subnet_ids
  client_security_groups = [module.eks.node_security_group_id]
  instance_class         = var.postgres_instance_class
  backup_retention_days  = var.backup_retention_days
}

module "shared_filesystem" {
  source                 = "../../modules/shared-filesystem"
  name                   = var.name
  vpc_id                 = module.network.vpc_id
  private_subnet_ids     = module.network.private_subnet_ids
  client_security_groups = [module.eks.node_security_group_id]
}

module "vault_kms" {
  source                   = "../../modules/vault-kms"
  name                     = var.name
  oidc_provider_arn        = module.eks.oidc_provider_arn
  oidc_issuer              = module.eks.oidc_issuer
  vault_namespace          = "vault"
  vault_service_account    = "vault"
}

module "audit_sink" {
  source         = "../../modules/audit-sink"
  name           = var.name
  retention_days = var.audit_retention_days
}
