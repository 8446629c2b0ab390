package org.spe.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.spe.core.json.Json;

/** The console's Japanese and English catalogs hold the same keys with the same placeholders, and every key the sources use exists. */
class MessageCatalogTest {
    private static final Path WEB = Path.of("src/main/web/src");
    private static final Pattern KEY_USE = Pattern.compile("\\bt\\('([A-Za-z0-9_.]+)'");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");

    @Test
    void japaneseAndEnglishHaveTheSameKeysAndPlaceholders() throws IOException {
        Map<String, String> ja = catalog("ja");
        Map<String, String> en = catalog("en");
        assertThat(ja.keySet()).isEqualTo(en.keySet());
        for (String key : ja.keySet()) {
            assertThat(ja.get(key)).as("ja " + key).isNotBlank();
            assertThat(en.get(key)).as("en " + key).isNotBlank();
            assertThat(placeholders(ja.get(key))).as(key).isEqualTo(placeholders(en.get(key)));
        }
    }

    @Test
    void everyKeyTheSourcesUseIsInTheCatalogs() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(WEB)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js") || f.toString().endsWith(".jsx")).toList()) {
                Matcher matcher = KEY_USE.matcher(Files.readString(file));
                while (matcher.find()) {
                    used.add(matcher.group(1));
                }
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(catalog("ja").keySet()).containsAll(used);
    }

    @Test
    void theJapaneseCatalogIsJapanese() throws IOException {
        long japanese = catalog("ja").values().stream().filter(v -> v.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HIRAGANA
                || Character.UnicodeScript.of(c) == Character.UnicodeScript.KATAKANA || Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)).count();
        assertThat(japanese).isGreaterThan(catalog("ja").size() * 8L / 10);
    }

    private static Map<String, String> catalog(String language) throws IOException {
        JsonNode root = Json.mapper().readTree(WEB.resolve("messages").resolve(language + ".json").toFile());
        Map<String, String> messages = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            messages.put(field.getKey(), field.getValue().asText());
        }
        return messages;
    }

    private static Set<String> placeholders(String message) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(message);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
