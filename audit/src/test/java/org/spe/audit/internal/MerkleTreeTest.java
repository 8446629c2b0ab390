package org.spe.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spe.audit.TreeHashes;

class MerkleTreeTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The leaves and roots of the RFC 6962 reference test vectors (certificate-transparency). */
    private static final String[] VECTOR_LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    private static final String[] VECTOR_ROOTS = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    @Test
    void rootsMatchTheRfc6962ReferenceVectors() {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < VECTOR_LEAVES.length; i++) {
            tree.append(TreeHashes.leafHash(HEX.parseHex(VECTOR_LEAVES[i])));
            assertThat(HEX.formatHex(tree.root(i + 1))).as("root of size %d", i + 1).isEqualTo(VECTOR_ROOTS[i]);
        }
        for (int size = 1; size <= VECTOR_LEAVES.length; size++) {
            assertThat(HEX.formatHex(tree.root(size))).isEqualTo(VECTOR_ROOTS[size - 1]);
        }
        assertThat(HEX.formatHex(tree.root(0))).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void rootsOfEverySizeMatchTheRecursiveDefinition() {
        List<byte[]> leaves = leaves(70);
        MerkleTree tree = build(leaves);
        for (int size = 1; size <= leaves.size(); size++) {
            assertThat(tree.root(size)).isEqualTo(TreeHashes.rootOf(leaves.subList(0, size)));
        }
    }

    @Test
    void inclusionProofsEqualTheRfcPathAndVerifyIndependently() {
        List<byte[]> leaves = leaves(40);
        MerkleTree tree = build(leaves);
        for (int size = 1; size <= leaves.size(); size++) {
            byte[] root = TreeHashes.rootOf(leaves.subList(0, size));
            for (int index = 0; index < size; index++) {
                List<byte[]> path = tree.inclusionPath(index, size);
                assertThat(path).as("path %d in %d", index, size).containsExactlyElementsOf(rfcPath(index, leaves.subList(0, size)));
                assertThat(TreeHashes.verifyInclusion(index, size, leaves.get(index), path, root)).isTrue();
                int other = (index + 1) % size;
                if (other != index) {
                    assertThat(TreeHashes.verifyInclusion(other, size, leaves.get(index), path, root)).isFalse();
                    assertThat(TreeHashes.verifyInclusion(index, size, leaves.get(other), path, root)).isFalse();
                }
            }
        }
    }

    @Test
    void consistencyProofsEqualTheRfcProofAndVerifyIndependently() {
        List<byte[]> leaves = leaves(40);
        MerkleTree tree = build(leaves);
        for (int second = 1; second <= leaves.size(); second++) {
            byte[] secondRoot = TreeHashes.rootOf(leaves.subList(0, second));
            for (int first = 1; first <= second; first++) {
                byte[] firstRoot = TreeHashes.rootOf(leaves.subList(0, first));
                List<byte[]> proof = tree.consistencyPath(first, second);
                assertThat(proof).containsExactlyElementsOf(rfcProof(first, leaves.subList(0, second)));
                assertThat(TreeHashes.verifyConsistency(first, second, firstRoot, secondRoot, proof)).as("%d -> %d", first, second).isTrue();
                if (first < second) {
                    byte[] wrong = secondRoot.clone();
                    wrong[0] ^= 1;
                    assertThat(TreeHashes.verifyConsistency(first, second, firstRoot, wrong, proof)).isFalse();
                    assertThat(TreeHashes.verifyConsistency(first, second, wrong, secondRoot, proof)).isFalse();
                }
                if (!proof.isEmpty()) {
                    List<byte[]> altered = new ArrayList<>(proof);
                    byte[] changed = altered.get(altered.size() - 1).clone();
                    changed[5] ^= 1;
                    altered.set(altered.size() - 1, changed);
                    assertThat(TreeHashes.verifyConsistency(first, second, firstRoot, secondRoot, altered)).isFalse();
                }
            }
        }
    }

    @Test
    void aFrontierRebuildsTheRootAndKeepsAppending() {
        List<byte[]> leaves = leaves(45);
        MerkleTree tree = build(leaves);
        for (int prefix = 0; prefix <= 30; prefix++) {
            CompactRange range = CompactRange.fromFrontier(prefix, tree.frontier(prefix));
            assertThat(range.root()).isEqualTo(tree.root(prefix));
            for (int next = prefix; next < leaves.size(); next++) {
                range.append(leaves.get(next));
            }
            assertThat(range.root()).isEqualTo(tree.root(leaves.size()));
        }
    }

    @Test
    void sizesBeyondTheTreeAreRefused() {
        MerkleTree tree = build(leaves(5));
        assertThatThrownBy(() -> tree.root(6)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the 5 events");
        assertThatThrownBy(() -> tree.inclusionPath(5, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in a tree of 5");
        assertThatThrownBy(() -> tree.consistencyPath(0, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 <= firstSize");
    }

    private static List<byte[]> leaves(int count) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leaves.add(TreeHashes.leafHash(("event " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }

    private static MerkleTree build(List<byte[]> leaves) {
        MerkleTree tree = new MerkleTree();
        leaves.forEach(tree::append);
        return tree;
    }

    /** RFC 6962 section 2.1.1 PATH(m, D[n]), written directly from the definition. */
    private static List<byte[]> rfcPath(int m, List<byte[]> leaves) {
        int n = leaves.size();
        List<byte[]> path = new ArrayList<>();
        if (n == 1) {
            return path;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            path.addAll(rfcPath(m, leaves.subList(0, k)));
            path.add(TreeHashes.rootOf(leaves.subList(k, n)));
        } else {
            path.addAll(rfcPath(m - k, leaves.subList(k, n)));
            path.add(TreeHashes.rootOf(leaves.subList(0, k)));
        }
        return path;
    }

    /** RFC 6962 section 2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
    private static List<byte[]> rfcProof(int m, List<byte[]> leaves) {
        return rfcSubproof(m, leaves, true);
    }

    private static List<byte[]> rfcSubproof(int m, List<byte[]> leaves, boolean whole) {
        int n = leaves.size();
        List<byte[]> proof = new ArrayList<>();
        if (m == n) {
            if (!whole) {
                proof.add(TreeHashes.rootOf(leaves));
            }
            return proof;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m <= k) {
            proof.addAll(rfcSubproof(m, leaves.subList(0, k), whole));
            proof.add(TreeHashes.rootOf(leaves.subList(k, n)));
        } else {
            proof.addAll(rfcSubproof(m - k, leaves.subList(k, n), false));
            proof.add(TreeHashes.rootOf(leaves.subList(0, k)));
        }
        return proof;
    }
}
