package org.spe.output.sdc.offline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * {@code spe sdc check --spec FILE}: the offline SDC check of a table spec over a CSV of microdata.
 * Prints the JSON report to {@code out} and returns 0 whatever the report's status; on bad input
 * prints one line {@code error: …} to {@code err} and returns 2 (1 for an internal failure).
 * Blocking; reads the whole CSV.
 */
public final class SdcCheckCommand {
    /** Exit code for bad arguments, spec or CSV. */
    public static final int BAD_INPUT = 2;
    /** Exit code for an unexpected failure. */
    public static final int INTERNAL_ERROR = 1;

    private SdcCheckCommand() {}

    /** Runs the command with the arguments after {@code sdc check}; returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Path spec;
        if (args.size() == 2 && args.get(0).equals("--spec")) {
            spec = Path.of(args.get(1));
        } else if (args.size() == 1 && args.get(0).startsWith("--spec=")) {
            spec = Path.of(args.get(0).substring("--spec=".length()));
        } else {
            err.println("error: usage: spe sdc check --spec FILE");
            return BAD_INPUT;
        }
        try {
            SdcSpec parsed = SdcSpec.read(spec);
            SdcOfflineChecker.Result result = SdcOfflineChecker.check(parsed);
            String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(SdcReport.toJson(result.check(), parsed.aggregation(), result.released()));
            out.println(json);
            out.flush();
            return 0;
        } catch (SpeException e) {
            err.println("error: " + oneLine(e.getMessage()));
            return e.category() == ErrorCategory.INVALID_INPUT ? BAD_INPUT : INTERNAL_ERROR;
        } catch (JsonProcessingException | RuntimeException e) {
            err.println("error: internal failure: " + oneLine(String.valueOf(e)));
            return INTERNAL_ERROR;
        }
    }

    private static String oneLine(String message) {
        return message.replace('\r', ' ').replace('\n', ' ');
    }
}
