package org.spe.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/** A generalisation of one column for ANONYMISED extracts: a kind and its parameters. */
public record Generalisation(GeneralisationKind kind, Map<String, String> parameters) {
    public Generalisation {
        requireNonNull(kind, "kind is null");
        parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
        for (String name : parameters.keySet()) {
            if (!kind.parameters().contains(name)) {
                throw new IllegalArgumentException("generalisation " + kind + " has no parameter '" + name + "'; it accepts " + kind.parameters());
            }
        }
    }

    public static Generalisation of(GeneralisationKind kind) {
        return new Generalisation(kind, Map.of());
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    public double doubleParameter(String name, double defaultValue) {
        return parameter(name).map(Double::parseDouble).orElse(defaultValue);
    }
}
