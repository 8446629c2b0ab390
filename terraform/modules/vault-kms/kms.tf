# Vault's auto-unseal key (seal "awskms"): Vault on EKS unseals itself with this key, through its service account's
# IAM role; no person holds unseal shares for day-to-day restarts. Deleting the key would make Vault's data unreadable,
# so it is protected from destruction and has the longest deletion window.
resource "aws_kms_key" "vault_unseal" {
  description             = "${var.name} Vault auto-unseal"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "vault_unseal" {
  name          = "alias/${var.name}-vault-unseal"
  target_key_id = aws_kms_key.vault_unseal.key_id
}
