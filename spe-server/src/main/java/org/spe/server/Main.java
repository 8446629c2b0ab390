package org.spe.server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import org.spe.server.cli.UpCommand;
import picocli.CommandLine;

/**
 * The {@code spe} command line: {@code up}, {@code datagen}, {@code audit}, {@code sdc},
 * {@code bench}. Each verb's own parser checks its arguments; exit codes follow each verb's doc.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String verb = args.length == 0 ? "help" : args[0];
        if (!verb.equals("up")) {
            // Readable text on stderr for CLI verbs; the server logs JSON lines.
            System.setProperty("logback.configurationFile", "logback-text.xml");
        }
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        System.exit(run(verb, rest, System.out, System.err));
    }

    static int run(String verb, List<String> args, PrintStream out, PrintStream err) {
        return switch (verb) {
            case "up" -> new CommandLine(new UpCommand()).execute(args.toArray(String[]::new));
            case "migrate" -> new CommandLine(new org.spe.server.cli.MigrateCommand()).execute(args.toArray(String[]::new));
            case "datagen" -> org.spe.workspace.data.DatagenCommand.run(args, out, err);
            case "bench" -> BenchCommand.run(args, out, err);
            case "sdc" -> sdc(args, out, err);
            case "audit" -> org.spe.server.cli.AuditCommand.run(args, out, err);
            case "pools" -> org.spe.server.cli.PoolsCommand.run(args, System.getenv(), out, err);
            case "help", "--help", "-h" -> {
                out.println(usage());
                yield 0;
            }
            default -> {
                err.println("Unknown command '" + verb + "'.");
                err.println(usage());
                yield 2;
            }
        };
    }

    private static int sdc(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("check")) {
            err.println("Usage: spe sdc check --spec FILE");
            return 2;
        }
        return org.spe.output.sdc.offline.SdcCheckCommand.run(args.subList(1, args.size()), out, err);
    }

    static String usage() {
        return String.join("\n",
                "Usage: spe <command> [options]",
                "  up [--port 8080] [--data-dir ./spe-data] [--config FILE]   start the platform",
                "  migrate [--config FILE]                                    apply the database migrations to the external PostgreSQL and exit",
                "  datagen --patients N --seed S --out DIR                    write a synthetic NDB/DPC/介護DB/がん登録-like Parquet lake",
                "  audit verify [--data-dir D | --bundle FILE --public-key FILE]  recompute the audit log's hashes and signatures",
                "  audit export --out FILE [--data-dir D]                     portable bundle for offline verification",
                "  sdc check --spec FILE                                      offline disclosure check of a table spec over a CSV (docs/sdc-report.md)",
                "  pools list|scale N [--url U] [--user NAME] [--totp CODE]   operators: the compute pool, through the running platform's API",
                "  bench <name> [size]                                        run a benchmark: " + String.join(", ", BenchCommand.NAMES),
                "  test                                                       run every test (launcher only)",
                "  help                                                       this text");
    }
}
