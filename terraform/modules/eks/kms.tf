# Envelope encryption of Kubernetes Secrets (the workspaces' Jupyter tokens among them).
resource "aws_kms_key" "secrets" {
  description         = "${var.name} EKS secrets encryption"
  enable_key_rotation = true
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${var.name}-eks-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}
