package verba.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import verba.server.VerbaServer;
import verba.server.config.ConfigLoader;
import verba.server.config.LogLevel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code verba serve}: runs the server until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the speech server: Kyutai streaming protocol, Monica API (/blabla) and OpenAI speech (/v1).",
                "Settings: flag > environment (VERBA_<KEY>, then PORT, HOST, LOG_LEVEL, REFERENCE_AUDIO, "
                        + "REFERENCE_DURATION_S, MAX_TEXT_LENGTH, HF_HOME) > TOML file > default."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "H", description = "Listening address (default 0.0.0.0).")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "Listening port (default 8080; 0 = any free port).")
    String port;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info (default), warning, error.")
    String logLevel;

    @Option(names = "--print-config", description = "Prints the effective settings and where each comes from, then exits.")
    boolean printConfig;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        if (host != null) flags.put("host", host);
        if (port != null) flags.put("port", port);
        if (logLevel != null) flags.put("log_level", logLevel);
        ConfigLoader.Result loaded = config.load(flags);
        if (printConfig) {
            for (String warning : loaded.warnings()) System.err.println("verba: warning: " + warning);
            System.out.print(loaded.describe());
            return 0;
        }
        LogLevel.apply(loaded.config().logLevel());
        Logger log = LoggerFactory.getLogger(ServeCommand.class);
        for (String warning : loaded.warnings()) log.warn("{}", warning);
        VerbaServer server = new VerbaServer(loaded.config()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "verba-shutdown"));
        server.load();
        stopped.await();
        return 0;
    }
}
