package org.spe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Parses every .tf file under terraform/ as HCL (hcl4j) and checks that the AWS installation has the resources the
 * platform needs with their security settings: Japan-only region, private network and private cluster endpoint, CPU and
 * GPU node pools, encrypted and versioned lake with no public access, encrypted RDS with backups, the Vault unseal key
 * and the audit sink.
 */
class TerraformModulesTest {
    private static final Path TERRAFORM = Path.of("..", "terraform");

    /** type → name → attributes, over every file. */
    private static Map<String, Map<String, Map<String, Object>>> resources() throws IOException {
        Map<String, Map<String, Map<String, Object>>> all = new LinkedHashMap<>();
        for (Path file : files()) {
            for (Map.Entry<String, Map<String, Map<String, Object>>> type : blocks(parse(file), "resource").entrySet()) {
                type.getValue().forEach((name, body) -> {
                    Object previous = all.computeIfAbsent(type.getKey(), k -> new LinkedHashMap<>()).put(file.getParent().getFileName() + "." + name, body);
                    assertThat(previous).as("duplicate " + type.getKey() + "." + name).isNull();
                });
            }
        }
        return all;
    }

    @Test
    void everyFileParsesAsHcl() throws IOException {
        List<Path> files = files();
        assertThat(files).hasSizeGreaterThan(25);
        for (Path file : files) {
            assertThat(parse(file)).as(file.toString()).isNotEmpty();
        }
        assertThat(files).extracting(f -> TERRAFORM.relativize(f.getParent()).toString().replace('\\', '/')).contains("environments/production",
                "modules/network", "modules/eks", "modules/lake", "modules/postgres", "modules/vault-kms", "modules/audit-sink",
                "modules/shared-filesystem");
        for (Path module : List.of(TERRAFORM.resolve("environments/production"), TERRAFORM.resolve("modules/eks"))) {
            for (String required : List.of("providers.tf", "variables.tf", "outputs.tf")) {
                assertThat(module.resolve(required)).exists();
            }
        }
    }

    @Test
    void theRegionIsTokyoByDefaultAndOnlyJapanIsAllowed() throws IOException {
        Map<String, Object> region = map(blocks(parse(TERRAFORM.resolve("environments/production/variables.tf")), "variable").get("region"));
        assertThat(region.get("default")).isEqualTo("ap-northeast-1");
        String text = Files.readString(TERRAFORM.resolve("environments/production/variables.tf"));
        assertThat(text).contains("contains([\"ap-northeast-1\", \"ap-northeast-3\"], var.region)");
        assertThat(Files.readString(TERRAFORM.resolve("environments/production/providers.tf"))).contains("region = var.region", "encrypt = true");
    }

    @Test
    void theNetworkIsPrivateAndTheClusterEndpointToo() throws IOException {
        var resources = resources();
        assertThat(resources).doesNotContainKeys("aws_internet_gateway", "aws_nat_gateway", "aws_eip");
        assertThat(resources.get("aws_subnet").values()).allSatisfy(s -> assertThat(s.get("map_public_ip_on_launch")).isEqualTo(false));
        Map<String, Object> cluster = only(resources, "aws_eks_cluster");
        Map<String, Object> vpc = map(cluster.get("vpc_config"));
        assertThat(vpc.get("endpoint_private_access")).isEqualTo(true);
        assertThat(vpc.get("endpoint_public_access")).isEqualTo(false);
        assertThat(map(cluster.get("encryption_config")).get("resources")).isEqualTo(List.of("secrets"));
        assertThat(String.valueOf(cluster.get("enabled_cluster_log_types"))).contains("audit", "api");
        assertThat(resources.get("aws_flow_log")).isNotEmpty();
        for (Map<String, Object> group : resources.get("aws_security_group").values()) {
            for (Map<String, Object> rule : list(group.get("ingress"))) {
                assertThat(String.valueOf(rule.get("cidr_blocks"))).as("security group %s", group.get("name")).doesNotContain("0.0.0.0/0", "::/0");
            }
        }
        assertThat(resources.get("aws_launch_template").values()).allSatisfy(template -> {
            assertThat(map(template.get("metadata_options")).get("http_tokens")).isEqualTo("required");
            assertThat(map(template.get("network_interfaces")).get("associate_public_ip_address")).isEqualTo(false);
            assertThat(map(map(template.get("block_device_mappings")).get("ebs")).get("encrypted")).isEqualTo(true);
        });
    }

    @Test
    void thereAreCpuAndGpuNodePoolsLabelledForThePlatform() throws IOException {
        var groups = resources().get("aws_eks_node_group");
        Map<String, Object> cpu = groups.get("eks.cpu");
        Map<String, Object> gpu = groups.get("eks.gpu");
        assertThat(map(cpu.get("labels"))).containsEntry("spe.org/pool", "cpu");
        assertThat(map(gpu.get("labels"))).containsEntry("spe.org/pool", "gpu");
        assertThat(gpu.get("ami_type").toString()).contains("NVIDIA");
        assertThat(map(gpu.get("taint"))).containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NO_SCHEDULE");
    }

    @Test
    void bucketsAreEncryptedVersionedAndNeverPublic() throws IOException {
        var resources = resources();
        assertThat(resources.get("aws_s3_bucket")).containsKeys("lake.lake", "audit-sink.audit");
        for (String bucket : resources.get("aws_s3_bucket").keySet()) {
            Map<String, Object> block = resources.get("aws_s3_bucket_public_access_block").get(bucket);
            assertThat(block).as(bucket + " public access block").isNotNull();
            for (String setting : List.of("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")) {
                assertThat(block.get(setting)).as(bucket + " " + setting).isEqualTo(true);
            }
            Map<String, Object> encryption = resources.get("aws_s3_bucket_server_side_encryption_configuration").get(bucket);
            assertThat(map(map(encryption.get("rule")).get("apply_server_side_encryption_by_default")).get("sse_algorithm")).isEqualTo("aws:kms");
            assertThat(map(resources.get("aws_s3_bucket_versioning").get(bucket).get("versioning_configuration")).get("status")).isEqualTo("Enabled");
            assertThat(resources.get("aws_s3_bucket_policy").get(bucket).toString()).as(bucket + " denies plain HTTP").contains("aws:SecureTransport");
        }
        assertThat(resources).doesNotContainKey("aws_s3_bucket_acl");
        Map<String, Object> lock = resources.get("aws_s3_bucket_object_lock_configuration").get("audit-sink.audit");
        assertThat(map(map(lock.get("rule")).get("default_retention")).get("mode")).isEqualTo("COMPLIANCE");
    }

    @Test
    void postgresIsManagedEncryptedPrivateAndBackedUp() throws IOException {
        var resources = resources();
        Map<String, Object> database = only(resources, "aws_db_instance");
        assertThat(database.get("engine")).isEqualTo("postgres");
        assertThat(database.get("storage_encrypted")).isEqualTo(true);
        assertThat(database.get("publicly_accessible")).isEqualTo(false);
        assertThat(database.get("deletion_protection")).isEqualTo(true);
        assertThat(database.get("multi_az")).isEqualTo(true);
        assertThat(database.get("skip_final_snapshot")).isEqualTo(false);
        assertThat(Files.readString(TERRAFORM.resolve("modules/postgres/variables.tf"))).contains("var.backup_retention_days >= 7");
        assertThat(map(blocks(parse(TERRAFORM.resolve("environments/production/variables.tf")), "variable").get("backup_retention_days")).get("default"))
                .isEqualTo(35.0);
        assertThat(list(only(resources, "aws_db_parameter_group").get("parameter"))).anySatisfy(p -> assertThat(p).containsEntry("name", "rds.force_ssl"));
        Map<String, Object> filesystem = only(resources, "aws_efs_file_system");
        assertThat(filesystem.get("encrypted")).isEqualTo(true);
    }

    @Test
    void vaultUnsealsWithKmsAndAuditExportsHaveASink() throws IOException {
        var resources = resources();
        Map<String, Object> unseal = resources.get("aws_kms_key").get("vault-kms.vault_unseal");
        assertThat(unseal).isNotNull();
        assertThat(map(unseal.get("lifecycle")).get("prevent_destroy")).isEqualTo(true);
        assertThat(resources.get("aws_kms_key").values()).allSatisfy(key -> assertThat(key.get("enable_key_rotation")).isEqualTo(true));
        assertThat(resources.get("aws_iam_role_policy").get("vault-kms.vault_unseal").toString()).contains("kms:Decrypt");
        Map<String, Object> logs = resources.get("aws_cloudwatch_log_group").get("audit-sink.audit");
        assertThat(logs.get("kms_key_id")).isNotNull();
        assertThat(((Number) logs.get("retention_in_days")).intValue()).isGreaterThanOrEqualTo(365);
    }

    private static Map<String, Object> only(Map<String, Map<String, Map<String, Object>>> resources, String type) {
        assertThat(resources.get(type)).as(type).hasSize(1);
        return resources.get(type).values().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Map<String, Object>>> blocks(Map<String, Object> parsed, String kind) {
        return parsed.get(kind) == null ? Map.of() : (Map<String, Map<String, Map<String, Object>>>) parsed.get(kind);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (value instanceof List<?> items && items.size() == 1) {
            value = items.get(0);
        }
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    /** A block that may appear once (a map) or several times (a list of maps). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map) {
            return List.of((Map<String, Object>) value);
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Object item : (List<?>) value) {
            items.add((Map<String, Object>) item);
        }
        return items;
    }

    private static Map<String, Object> parse(Path file) {
        try {
            return new HCLParser().parse(file.toFile(), "UTF-8");
        } catch (Exception e) {
            throw new AssertionError(file + " is not valid HCL: " + e.getMessage(), e);
        }
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.walk(TERRAFORM)) {
            return files.filter(f -> f.toString().endsWith(".tf")).sorted().toList();
        }
    }
}
