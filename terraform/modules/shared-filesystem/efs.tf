# The platform's data directory and the extracts that workspace pods mount read-only (NFS, TLS in transit through the
# EFS CSI driver's mount helper). Encrypted at rest with its own key; backed up by AWS Backup.
resource "aws_kms_key" "efs" {
  description         = "${var.name} shared filesystem"
  enable_key_rotation = true
}

resource "aws_efs_file_system" "main" {
  creation_token   = "${var.name}-data"
  encrypted        = true
  kms_key_id       = aws_kms_key.efs.arn
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"
  tags = {
    Name = "${var.name}-data"
  }
}

resource "aws_efs_backup_policy" "main" {
  file_system_id = aws_efs_file_system.main.id
  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_security_group" "efs" {
  name        = "${var.name}-efs"
  description = "NFS from the cluster's nodes only"
  vpc_id      = var.vpc_id
  ingress {
    description     = "NFS from EKS nodes"
    from_port       = 2049
    to_port         = 2049
    protocol        = "tcp"
    security_groups = var.client_security_groups
  }
}

resource "aws_efs_mount_target" "main" {
  for_each        = toset(var.private_subnet_ids)
  file_system_id  = aws_efs_file_system.main.id
  subnet_id       = each.value
  security_groups = [aws_security_group.efs.id]
}

resource "aws_efs_file_system_policy" "main" {
  file_system_id = aws_efs_file_system.main.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "*"
      Resource  = aws_efs_file_system.main.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}
