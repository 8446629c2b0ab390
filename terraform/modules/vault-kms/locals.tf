locals {
  issuer_host = replace(var.oidc_issuer, "https://", "")
}
