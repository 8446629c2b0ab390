package org.spe.output.sdc.offline;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * Streams a UTF-8 CSV with a header row: checks that every row has as many fields as the header
 * and that the bytes are valid UTF-8, and translates every failure into an {@code INVALID_INPUT}
 * {@link SpeException} naming the line. Not thread-safe; one pass per instance.
 *
 * <p>One pass, in two threads: a reading thread decodes and splits the rows and hands them over in
 * batches through a small bounded queue, while the caller's thread runs the handler on them in file
 * order, so parsing and checking overlap on a machine with two cores. A failure of either side stops
 * both; the handler has then seen exactly the rows before the failing line, as in a single thread.
 */
final class CsvRows {
    private static final int BATCH_ROWS = 4096;
    private static final int QUEUED_BATCHES = 4;

    /** Receives each data row. */
    interface RowHandler {
        void row(String[] fields, long line);
    }

    private final Path file;

    CsvRows(Path file) {
        this.file = file;
    }

    /** Reads the header, then hands every data row to the handler; returns the header. */
    List<String> read(Consumer<List<String>> onHeader, RowHandler handler) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setLineSeparatorDetectionEnabled(true);
        settings.setMaxCharsPerColumn(1 << 16);
        settings.setMaxColumns(4096);
        settings.setNullValue("");
        settings.setEmptyValue("");
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setSkipEmptyLines(true);
        settings.setReadInputOnSeparateThread(false);
        settings.setInputBufferSize(1 << 20);
        CsvParser parser = new CsvParser(settings);
        try (InputStream in = Files.newInputStream(file);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT))) {
            parser.beginParsing(reader);
            String[] header = parser.parseNext();
            if (header == null) {
                throw SpeException.invalid("CSV %s is empty; line 1 must be a header", file.getFileName());
            }
            if (!header[0].isEmpty() && header[0].charAt(0) == '\uFEFF') {
                header[0] = header[0].substring(1);
            }
            List<String> names = Arrays.asList(header);
            onHeader.accept(names);
            handOver(parser, header.length, handler);
            return names;
        } catch (TextParsingException e) {
            throw translate(e, e.getLineIndex() + 1);
        } catch (NoSuchFileException e) {
            throw SpeException.invalid("CSV %s does not exist", file);
        } catch (IOException e) {
            throw translate(e, parser.getContext() == null ? 0 : parser.getContext().currentLine());
        } finally {
            parser.stopParsing();
        }
    }

    /** A batch of rows and their line numbers; the last batch ends the file or carries the reading thread's failure. */
    private record Batch(String[][] rows, long[] lines, int size, boolean last, RuntimeException failure) {}

    private void handOver(CsvParser parser, int width, RowHandler handler) {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        Thread reader = new Thread(() -> produce(parser, width, queue), "csv-reader-" + file.getFileName());
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Batch batch = queue.take();
                for (int i = 0; i < batch.size(); i++) {
                    handler.row(batch.rows()[i], batch.lines()[i]);
                }
                if (batch.failure() != null) {
                    throw batch.failure();
                }
                if (batch.last()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeException(ErrorCategory.INTERNAL, "interrupted while reading CSV " + file.getFileName(), e);
        } finally {
            // stops the reading thread if the handler failed; it is done already otherwise
            reader.interrupt();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reading thread: parses rows into batches until the end, a bad row or an interrupt. */
    private void produce(CsvParser parser, int width, BlockingQueue<Batch> queue) {
        String[][] rows = new String[BATCH_ROWS][];
        long[] lines = new long[BATCH_ROWS];
        int size = 0;
        RuntimeException failure = null;
        try {
            String[] fields;
            while ((fields = parser.parseNext()) != null) {
                long line = parser.getContext().currentLine();
                if (fields.length != width) {
                    failure = SpeException.invalid("CSV %s line %d: expected %d fields like the header, found %d",
                            file.getFileName(), line, width, fields.length);
                    break;
                }
                rows[size] = fields;
                lines[size] = line;
                if (++size == BATCH_ROWS) {
                    queue.put(new Batch(rows, lines, size, false, null));
                    rows = new String[BATCH_ROWS][];
                    lines = new long[BATCH_ROWS];
                    size = 0;
                }
            }
        } catch (TextParsingException e) {
            failure = translate(e, e.getLineIndex() + 1);
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            queue.put(new Batch(rows, lines, size, true, failure));
        } catch (InterruptedException e) {
            // the handler failed and nobody reads any more
        }
    }

    private SpeException translate(Exception e, long line) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return new SpeException(ErrorCategory.INVALID_INPUT, String.format(
                        "CSV %s is not valid UTF-8 (near line %d); save it as UTF-8", file.getFileName(), line), e);
            }
        }
        return new SpeException(ErrorCategory.INVALID_INPUT, String.format(
                "CSV %s cannot be parsed near line %d: %s", file.getFileName(), line, firstLine(e.getMessage())), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
