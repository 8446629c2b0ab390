resource "aws_kms_key" "postgres" {
  description         = "${var.name} PostgreSQL storage and backups"
  enable_key_rotation = true
}
