output "bucket" {
  value = aws_s3_bucket.audit.bucket
}

output "log_group" {
  value = aws_cloudwatch_log_group.audit.name
}
