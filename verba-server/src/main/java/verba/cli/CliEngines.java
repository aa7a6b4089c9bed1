package verba.cli;

import verba.server.config.ConfigLoader;
import verba.server.config.LogLevel;
import verba.server.config.ServerConfig;

import java.util.Map;

/** Config for the commands that use engines without a server: logging stays quiet unless a level was asked for. */
final class CliEngines {

    private CliEngines() {
    }

    static ServerConfig quietConfig(ConfigOptions options) {
        ConfigLoader.Result loaded = options.load(Map.of());
        boolean asked = !loaded.values().get(ConfigLoader.Setting.LOG_LEVEL).origin().equals("default");
        LogLevel.apply(asked ? loaded.config().logLevel() : "warning");
        for (String warning : loaded.warnings()) System.err.println("verba: warning: " + warning);
        return loaded.config();
    }
}
