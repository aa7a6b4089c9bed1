package verba.server.config;

/** A setting is missing, malformed or out of range, or the config file cannot be read. The message is a sentence. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
