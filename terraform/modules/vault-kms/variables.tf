variable "name" {
  type = string
}

variable "oidc_provider_arn" {
  type = string
}

variable "oidc_issuer" {
  type = string
}

variable "vault_namespace" {
  type = string
}

variable "vault_service_account" {
  type = string
}
