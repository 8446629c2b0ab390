resource "aws_iam_role" "vault" {
  name = "${var.name}-vault-unseal"
  assume_role_policy = data.aws_iam_policy_document.vault_trust.json
}

resource "aws_iam_role_policy" "vault_unseal" {
  name = "use-unseal-key"
  role = aws_iam_role.vault.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]
      Resource = aws_kms_key.vault_unseal.arn
    }]
  })
}
