output "key_arn" {
  value = aws_kms_key.vault_unseal.arn
}

output "role_arn" {
  value = aws_iam_role.vault.arn
}
