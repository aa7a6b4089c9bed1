package verba.cli;

import picocli.CommandLine.Option;
import verba.server.config.ConfigException;
import verba.server.config.ConfigLoader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options every command that loads engines shares: the TOML file and {@code --set key=value} overrides. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "TOML configuration file (moshi-server key names). Default: $VERBA_CONFIG, else none.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets any configuration key, e.g. --set batch_size=4 (repeatable; lists are comma-separated).")
    List<String> sets = List.of();

    /** Loads flags > env > file > defaults; {@code extra} are the command's own flags (they win over --set). */
    ConfigLoader.Result load(Map<String, String> extra) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) throw new ConfigException("--set expects KEY=VALUE, got '" + set + "'");
            flags.put(set.substring(0, eq).trim(), set.substring(eq + 1));
        }
        flags.putAll(extra);
        Map<String, String> env = System.getenv();
        Path config = file != null ? file : env.get("VERBA_CONFIG") == null ? null : Path.of(env.get("VERBA_CONFIG"));
        return ConfigLoader.load(config, env, flags);
    }
}
