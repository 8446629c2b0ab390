package org.spe.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.secrets.LocalKeystoreSecretStore.KdfParameters;

class LocalKeystoreSecretStoreTest {
    private static final KdfParameters CHEAP = new KdfParameters(64, 1, 1);
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path directory;

    @Test
    void secretsSurviveReopeningWithTheSamePassphrase() {
        Path file = directory.resolve("keys.bin");
        LocalKeystoreSecretStore first = LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP);
        byte[] secret = first.secret("permit/P-1/pseudonym", 32);
        Ed25519KeyPair pair = first.signingKeyPair("audit/tree-head");

        LocalKeystoreSecretStore second = LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP);
        assertThat(second.secret("permit/P-1/pseudonym", 32)).isEqualTo(secret);
        assertThat(second.signingKeyPair("audit/tree-head").publicKey()).isEqualTo(pair.publicKey());
        assertThat(second.secret("permit/P-2/pseudonym", 32)).hasSize(32).isNotEqualTo(secret);
    }

    @Test
    void theFileIsEncryptedAndPrivateToItsOwner() throws Exception {
        Path file = directory.resolve("keys.bin");
        LocalKeystoreSecretStore store = LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP);
        byte[] secret = store.secret("needle", 64);

        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(content).doesNotContain("needle").doesNotContain(java.util.Base64.getEncoder().encodeToString(secret));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aWrongPassphraseIsRefused() {
        Path file = directory.resolve("keys.bin");
        LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP).secret("a", 16);

        assertThatThrownBy(() -> LocalKeystoreSecretStore.open(file, "wrong".toCharArray(), CHEAP))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("wrong master passphrase or the file was altered")
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.UNAUTHENTICATED));
    }

    @Test
    void anAlteredFileIsRefused() throws Exception {
        Path file = directory.resolve("keys.bin");
        LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP).secret("a", 16);
        byte[] content = Files.readAllBytes(file);
        content[content.length - 20] ^= 1;
        Files.write(file, content);

        assertThatThrownBy(() -> LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("was altered");
    }

    @Test
    void aChangedKdfParameterInTheHeaderIsDetected() throws Exception {
        Path file = directory.resolve("keys.bin");
        LocalKeystoreSecretStore.open(file, PASSPHRASE, new KdfParameters(64, 2, 1)).secret("a", 16);
        byte[] content = Files.readAllBytes(file);
        content[15] = 1; // iterations 2 -> 1
        Files.write(file, content);

        assertThatThrownBy(() -> LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("wrong master passphrase or the file was altered");
    }

    @Test
    void aFileThatIsNotAKeystoreIsRefused() throws Exception {
        Path file = directory.resolve("keys.bin");
        Files.writeString(file, "hello, this is not a keystore at all, not even close to one");

        assertThatThrownBy(() -> LocalKeystoreSecretStore.open(file, PASSPHRASE, CHEAP))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("Not an SPE keystore file");
    }

    @Test
    void signingKeysSignAndVerify() {
        LocalKeystoreSecretStore store = LocalKeystoreSecretStore.open(directory.resolve("keys.bin"), PASSPHRASE, CHEAP);
        Ed25519KeyPair pair = store.signingKeyPair("release/signing");
        byte[] message = "tree head".getBytes(StandardCharsets.UTF_8);
        byte[] signature = pair.sign(message);

        assertThat(Ed25519KeyPair.verify(pair.publicKey(), message, signature)).isTrue();
        assertThat(Ed25519KeyPair.verify(pair.publicKey(), "tree heat".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(Ed25519KeyPair.parsePublicKey(pair.publicKeyPem())).isEqualTo(pair.publicKey());
        assertThat(pair.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(pair.privateKey()));
    }

    @Test
    void namesAndKindsAreChecked() {
        LocalKeystoreSecretStore store = LocalKeystoreSecretStore.open(directory.resolve("keys.bin"), PASSPHRASE, CHEAP);
        store.secret("hmac", 32);
        store.signingKeyPair("signer");

        assertThatThrownBy(() -> store.secret("bad name!", 32)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret name");
        assertThatThrownBy(() -> store.secret("hmac", 16)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 32 bytes, not 16");
        assertThatThrownBy(() -> store.secret("signer", 32)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a secret");
        assertThatThrownBy(() -> store.signingKeyPair("hmac")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an Ed25519 key pair");
    }
}
