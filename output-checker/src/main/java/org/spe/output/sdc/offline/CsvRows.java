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
import java.util.function.Consumer;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * Streams a UTF-8 CSV with a header row: checks that every row has as many fields as the header
 * and that the bytes are valid UTF-8, and translates every failure into an {@code INVALID_INPUT}
 * {@link SpeException} naming the line. Not thread-safe; one pass per instance.
 */
final class CsvRows {
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
            int width = header.length;
            String[] fields;
            while ((fields = parser.parseNext()) != null) {
                long line = parser.getContext().currentLine();
                if (fields.length != width) {
                    throw SpeException.invalid("CSV %s line %d: expected %d fields like the header, found %d",
                            file.getFileName(), line, width, fields.length);
                }
                handler.row(fields, line);
            }
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
