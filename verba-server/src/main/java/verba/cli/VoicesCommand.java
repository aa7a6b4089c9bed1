package verba.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import verba.engine.Engine;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;
import verba.server.EngineCatalog;
import verba.server.config.ServerConfig;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code verba voices}: the table of voices the configured engines offer. */
@Command(name = "voices", mixinStandardHelpOptions = true, description = "Lists the voices: id, language, engine, whether the engine can clone.")
final class VoicesCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = CliEngines.quietConfig(config);
        List<Engine> engines = EngineCatalog.load(cfg).engines();
        try {
            VoiceRegistry voices = new VoiceRegistry(engines, cfg.defaultVoice());
            List<Voice> all = voices.all();
            int idWidth = Math.max(2, all.stream().mapToInt(v -> v.id().length()).max().orElse(0));
            String row = "%-" + idWidth + "s  %-8s  %-8s  %s%n";
            System.out.printf(row, "ID", "LANGUAGE", "ENGINE", "CAN CLONE");
            for (Voice v : all) {
                System.out.printf(row, v.id(), v.language(), v.engine(), voices.engineOf(v).canClone() ? "yes" : "no");
            }
            System.out.printf("%d voices; default: %s%n", all.size(), voices.defaultVoice().id());
        } finally {
            for (Engine engine : engines) engine.close();
        }
        return 0;
    }
}
