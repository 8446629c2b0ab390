# Policy for the operators who look after the SPE server's secrets: inspect versions, keep
# old versions after a rotation, and destroy the keys of a wiped permit. Never give it to the
# server itself.
#
#   vault policy write spe-operator docs/vault/spe-operator.hcl

path "secret/metadata/spe/*" {
  capabilities = ["read", "list", "update", "delete"]
}

path "secret/data/spe/*" {
  capabilities = ["read"]
}

# permanently remove the versions of a secret (e.g. permit-keys/<permit>/... after the
# permit's workspaces were wiped and its deletion certificates issued)
path "secret/destroy/spe/*" {
  capabilities = ["update"]
}
