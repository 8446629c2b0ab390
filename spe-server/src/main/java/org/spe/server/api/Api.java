package org.spe.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.account.Session;
import org.spe.core.json.Json;

/** Helpers the handlers share: strict body parsing and the current caller. */
public final class Api {
    static final String SESSION_ATTRIBUTE = "spe.session";

    private Api() {}

    /** Parses the body strictly: malformed JSON, unknown fields and wrong types are INVALID_INPUT naming the field. */
    public static <T> T body(Context ctx, Class<T> type) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw SpeException.invalid("The request needs a JSON body");
        }
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) {
                throw SpeException.invalid("The request body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw SpeException.invalid("Unknown field '%s'; known fields: %s", e.getPropertyName(),
                    e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (InvalidFormatException e) {
            throw SpeException.invalid("Field '%s' has a value of the wrong form: %s", path(e), String.valueOf(e.getValue()));
        } catch (MismatchedInputException e) {
            throw SpeException.invalid("Field '%s' has the wrong type", path(e));
        } catch (JsonProcessingException e) {
            throw SpeException.invalid("The body is not valid JSON: %s", e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("%s", e.getMessage());
        }
    }

    private static String path(MismatchedInputException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "(body)" : path;
    }

    public static <T> T required(T value, String field) {
        if (value == null) {
            throw SpeException.invalid("Field '%s' is required", field);
        }
        return value;
    }

    public static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        required(value, field);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("Field '%s' must be one of %s, not %s", field, Arrays.toString(type.getEnumConstants()), value);
        }
    }

    /** The authenticated caller of this request (set by the session filter). */
    public static Caller caller(Context ctx) {
        return session(ctx).caller();
    }

    public static Session session(Context ctx) {
        Session session = ctx.attribute(SESSION_ATTRIBUTE);
        if (session == null) {
            throw new IllegalStateException("route without session filter asked for the caller");
        }
        return session;
    }
}
