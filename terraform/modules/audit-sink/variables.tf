variable "name" {
  type = string
}

variable "retention_days" {
  description = "Days audit export bundles are kept under object lock."
  type        = number
  validation {
    condition     = var.retention_days >= 365
    error_message = "Audit exports are kept at least a year."
  }
}
