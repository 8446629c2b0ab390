package org.spe.secrets.vault;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Vault for the same tests, administered with an admin token through vault-java-driver:
 * per-prefix ACL policies ({@code sys/policies/acl}), tokens ({@code auth/token/create}),
 * AppRoles ({@code auth/approle/role/...}, the approle method must be enabled), and
 * {@code sys/seal} / {@code sys/unseal} (needs the unseal key; a single-key dev setup). The KV
 * version 2 engine must be mounted at {@code secret/} ({@code vault server -dev} does both).
 */
final class RealVaultTestServer implements VaultTestServer {
    private final URI address;
    private final String unsealKey;
    private final Vault admin;

    RealVaultTestServer(URI address, String adminToken, String unsealKey) {
        this.address = address;
        this.unsealKey = unsealKey;
        try {
            // engine version 1: administrative paths are used as written, without KV v2's data/ segment
            this.admin = Vault.create(new VaultConfig().address(stripSlash(address)).token(adminToken).build(), 1);
        } catch (VaultException e) {
            throw new IllegalStateException("cannot reach the Vault at " + address, e);
        }
    }

    @Override
    public URI address() {
        return address;
    }

    private String policy(String pathPrefix) {
        String name = "spe-test-" + pathPrefix.replace('/', '-');
        String hcl = "path \"secret/data/" + pathPrefix + "/*\" { capabilities = [\"create\", \"read\", \"update\"] }\n"
                + "path \"secret/metadata/" + pathPrefix + "/*\" { capabilities = [\"read\"] }\n";
        write("sys/policies/acl/" + name, Map.of("policy", hcl));
        return name;
    }

    @Override
    public String issueToken(String pathPrefix, Duration ttl, Duration maxTtl, boolean renewable) {
        try {
            return admin.auth().createToken(new Auth.TokenRequest().polices(List.of(policy(pathPrefix))).ttl(ttl.toSeconds() + "s")
                    .explicitMaxTtl(maxTtl.toSeconds() + "s").renewable(renewable).noDefaultPolicy(false)).getAuthClientToken();
        } catch (VaultException e) {
            throw new IllegalStateException("cannot create a token", e);
        }
    }

    @Override
    public AppRoleCredentials createAppRole(String pathPrefix, Duration ttl, Duration maxTtl, boolean renewable) {
        String role = "spe-test-" + UUID.randomUUID();
        write("auth/approle/role/" + role, Map.of("token_policies", policy(pathPrefix), "token_ttl", ttl.toSeconds() + "s",
                "token_max_ttl", maxTtl.toSeconds() + "s", "token_type", "service"));
        try {
            String roleId = admin.logical().read("auth/approle/role/" + role + "/role-id").getData().get("role_id");
            String secretId = admin.logical().write("auth/approle/role/" + role + "/secret-id", Map.of()).getData().get("secret_id");
            return new AppRoleCredentials(roleId, secretId);
        } catch (VaultException e) {
            throw new IllegalStateException("cannot create AppRole " + role, e);
        }
    }

    @Override
    public java.util.Optional<Map<String, String>> kvData(String path) {
        try {
            LogicalResponse response = admin.logical().read("secret/data/" + path);
            if (response.getRestResponse().getStatus() == 404) {
                return java.util.Optional.empty();
            }
            Map<String, String> fields = new java.util.HashMap<>();
            response.getDataObject().get("data").asObject().forEach(member -> fields.put(member.getName(), member.getValue().asString()));
            return java.util.Optional.of(fields);
        } catch (VaultException e) {
            throw new IllegalStateException("cannot read secret/data/" + path, e);
        }
    }

    @Override
    public int kvVersions(String path) {
        try {
            LogicalResponse response = admin.logical().read("secret/metadata/" + path);
            return response.getRestResponse().getStatus() == 404 ? 0 : Integer.parseInt(response.getData().get("current_version"));
        } catch (VaultException e) {
            throw new IllegalStateException("cannot read secret/metadata/" + path, e);
        }
    }

    @Override
    public void revokeToken(String token) {
        write("auth/token/revoke", Map.of("token", token));
    }

    @Override
    public void seal() {
        try {
            admin.seal().seal();
        } catch (VaultException e) {
            throw new IllegalStateException("cannot seal the Vault (the admin token must be allowed sys/seal)", e);
        }
    }

    @Override
    public void unseal() {
        if (unsealKey == null || unsealKey.isBlank()) {
            throw new IllegalStateException("set SPE_TEST_VAULT_UNSEAL_KEY to let the tests unseal the Vault they sealed");
        }
        try {
            admin.seal().unseal(unsealKey);
        } catch (VaultException e) {
            throw new IllegalStateException("cannot unseal the Vault", e);
        }
    }

    @Override
    public void close() {
        // the real server outlives the tests; the policies and roles they made stay for inspection
    }

    private void write(String path, Map<String, Object> fields) {
        try {
            LogicalResponse response = admin.logical().write(path, fields);
            int status = response.getRestResponse().getStatus();
            if (status >= 400) {
                throw new IllegalStateException("Vault answered " + status + " to a write of " + path);
            }
        } catch (VaultException e) {
            throw new IllegalStateException("cannot write " + path, e);
        }
    }

    private static String stripSlash(URI address) {
        String text = address.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
