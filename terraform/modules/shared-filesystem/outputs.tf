output "dns_name" {
  value = aws_efs_file_system.main.dns_name
}

output "file_system_id" {
  value = aws_efs_file_system.main.id
}
