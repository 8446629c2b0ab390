resource "aws_db_subnet_group" "main" {
  name       = "${var.name}-postgres"
  subnet_ids = var.private_subnet_ids
}

resource "aws_security_group" "postgres" {
  name        = "${var.name}-postgres"
  description = "PostgreSQL from the cluster's nodes only"
  vpc_id      = var.vpc_id
  ingress {
    description     = "PostgreSQL from EKS nodes"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.client_security_groups
  }
}

resource "aws_db_parameter_group" "main" {
  name   = "${var.name}-postgres17"
  family = "postgres17"
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_connections"
    value = "1"
  }
}

# The platform database: permits, accounts, workspaces, releases and the audit log's events.
resource "aws_db_instance" "main" {
  identifier                          = "${var.name}-postgres"
  engine                              = "postgres"
  engine_version                      = "17"
  instance_class                      = var.instance_class
  allocated_storage                   = 200
  max_allocated_storage               = 2000
  storage_type                        = "gp3"
  storage_encrypted                   = true
  kms_key_id                          = aws_kms_key.postgres.arn
  db_name                             = "spe"
  username                            = "spe_owner"
  manage_master_user_password         = true # in Secrets Manager; Vault's database engine issues the platform's credentials
  iam_database_authentication_enabled = true
  multi_az                            = true
  publicly_accessible                 = false
  db_subnet_group_name                = aws_db_subnet_group.main.name
  vpc_security_group_ids              = [aws_security_group.postgres.id]
  parameter_group_name                = aws_db_parameter_group.main.name
  backup_retention_period             = var.backup_retention_days
  backup_window                       = "17:00-18:00" # 02:00-03:00 JST
  maintenance_window                  = "sun:18:30-sun:19:30"
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  final_snapshot_identifier           = "${var.name}-postgres-final"
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = aws_kms_key.postgres.arn
  enabled_cloudwatch_logs_exports     = ["postgresql"]
  auto_minor_version_upgrade          = true
}
