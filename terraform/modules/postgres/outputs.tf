output "endpoint" {
  value = aws_db_instance.main.address
}

output "master_secret_arn" {
  value = aws_db_instance.main.master_user_secret[0].secret_arn
}
