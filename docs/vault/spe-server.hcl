# Policy of the SPE server's Vault role (AppRole or Kubernetes). With the defaults
# secrets.vault.kvMount = secret and secrets.vault.pathPrefix = spe.
#
#   vault policy write spe-server docs/vault/spe-server.hcl
#
# The server creates each secret on first use (check-and-set version 0) and reads it afterwards.
# It never deletes, lists or destroys: rotation and removal are operator work (spe-operator.hcl).

path "secret/data/spe/*" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/spe/*" {
  capabilities = ["read"]
}

# token self-management for renewal before expiry
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
