package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.spe.core.SpeException;

/**
 * The shipped SDC profiles ({@code default}, {@code ndb}, {@code opensafely}, {@code tier3}), read
 * once from the classpath resource {@code org/spe/output/sdc/sdc-profiles.json}. Thread-safe.
 */
public final class SdcProfiles {
    private static final String RESOURCE = "sdc-profiles.json";
    private static final List<String> FIELDS = List.of(
            "threshold", "dominanceN", "dominanceK", "pPercent", "zerosDisclosive", "allowMinMax",
            "minFacilities", "residualDfMinimum", "roundingBase", "redactionThreshold", "protectionLevel");
    private static final Map<String, SdcProfile> PROFILES = load();

    private SdcProfiles() {}

    /**
     * The profile of that name.
     *
     * @throws SpeException with {@code INVALID_INPUT} naming the known profiles when there is none
     */
    public static SdcProfile named(String name) {
        requireNonNull(name, "name is null");
        SdcProfile profile = PROFILES.get(name);
        if (profile == null) {
            throw SpeException.invalid("unknown SDC profile '%s'; known profiles: %s", name, names());
        }
        return profile;
    }

    /** The names of the shipped profiles, in the resource's order. */
    public static Set<String> names() {
        return PROFILES.keySet();
    }

    /** The {@code default} profile. */
    public static SdcProfile defaultProfile() {
        return named("default");
    }

    private static Map<String, SdcProfile> load() {
        try (InputStream in = SdcProfiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            JsonNode root = new ObjectMapper().readTree(in);
            Map<String, SdcProfile> profiles = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                profiles.put(entry.getKey(), parse(entry.getKey(), entry.getValue()));
            }
            return Collections.unmodifiableMap(profiles);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static SdcProfile parse(String name, JsonNode node) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalStateException("profile " + name + ": unknown field " + field);
            }
        }
        for (String field : FIELDS) {
            if (!node.has(field)) {
                throw new IllegalStateException("profile " + name + ": missing field " + field);
            }
        }
        return new SdcProfile(
                name,
                node.get("threshold").intValue(),
                node.get("dominanceN").intValue(),
                node.get("dominanceK").doubleValue(),
                node.get("pPercent").doubleValue(),
                node.get("zerosDisclosive").booleanValue(),
                node.get("allowMinMax").booleanValue(),
                node.get("minFacilities").intValue(),
                node.get("residualDfMinimum").intValue(),
                node.get("roundingBase").intValue(),
                node.get("redactionThreshold").intValue(),
                node.get("protectionLevel").doubleValue());
    }
}
