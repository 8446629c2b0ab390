package org.spe.server.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} pairs of a CLI verb; unknown or valueless options are errors. */
final class Options {
    private Options() {}

    static Map<String, String> parse(List<String> args, List<String> known) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name + "; known: " + String.join(", ", known));
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.put(name, args.get(++i));
        }
        return options;
    }
}
