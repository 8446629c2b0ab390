# The platform's JSON log lines (audit events included) shipped by the cluster's log agent.
resource "aws_cloudwatch_log_group" "audit" {
  name              = "/${var.name}/audit"
  retention_in_days = 1827
  kms_key_id        = aws_kms_key.audit.arn
}
