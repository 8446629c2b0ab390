output "bucket" {
  value = aws_s3_bucket.lake.bucket
}

output "kms_key_arn" {
  value = aws_kms_key.lake.arn
}
