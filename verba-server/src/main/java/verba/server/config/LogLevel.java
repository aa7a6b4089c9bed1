package verba.server.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** Applies a {@code log_level} value (Monica's names: debug, info, warning, error; also trace) to the root logger. */
public final class LogLevel {

    private LogLevel() {
    }

    public static void apply(String level) {
        Level logback = switch (level.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warning", "warn" -> Level.WARN;
            case "error" -> Level.ERROR;
            default -> throw new ConfigException("log_level must be one of trace, debug, info, warning, error, got '" + level + "'");
        };
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(logback);
    }
}
