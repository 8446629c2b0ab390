output "cluster_name" {
  value = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Private API endpoint (reachable from the VPC and admin_cidrs only)."
  value       = module.eks.endpoint
}

output "postgres_endpoint" {
  description = "Host of database.url (jdbc:postgresql://<this>:5432/spe?sslmode=verify-full)."
  value       = module.postgres.endpoint
}

output "efs_dns_name" {
  description = "workspaces.kubernetes.extractNfsServer."
  value       = module.shared_filesystem.dns_name
}

output "lake_bucket" {
  value = module.lake.bucket
}

output "vault_unseal_key_arn" {
  description = "KMS key for Vault's awskms seal stanza."
  value       = module.vault_kms.key_arn
}

output "vault_role_arn" {
  description = "IAM role for Vault's service account (IRSA) to use the unseal key."
  value       = module.vault_kms.role_arn
}

output "audit_bucket" {
  description = "Where `spe audit export` bundles are copied (object lock, compliance mode)."
  value       = module.audit_sink.bucket
}

output "audit_log_group" {
  value = module.audit_sink.log_group
}
