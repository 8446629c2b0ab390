resource "aws_kms_key" "lake" {
  description         = "${var.name} data lake (S3 SSE-KMS)"
  enable_key_rotation = true
}

resource "aws_kms_alias" "lake" {
  name          = "alias/${var.name}-lake"
  target_key_id = aws_kms_key.lake.key_id
}
