package verba.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import verba.audio.Pcm;
import verba.audio.WavWriter;
import verba.engine.SlotScheduler;
import verba.engine.SynthesisOptions;
import verba.engine.Synthesizer;
import verba.engine.Voice;
import verba.engine.VoiceRegistry;
import verba.server.EngineCatalog;
import verba.server.config.ServerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code verba say}: speaks a text into a WAV file with the engine library directly (no server). */
@Command(name = "say", mixinStandardHelpOptions = true,
        description = "Speaks TEXT into a 16-bit 24 kHz WAV file, without a server.")
final class SayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "The text to speak (several words may be given unquoted).")
    List<String> words;

    @Option(names = {"-v", "--voice"}, paramLabel = "VOICE", description = "Voice id or short name (see 'verba voices'). Default: the default voice.")
    String voice;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "out.wav",
            description = "Output WAV file; '-' writes to standard output (default: ${DEFAULT-VALUE}).")
    String output;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String text = String.join(" ", words).strip();
        if (text.isEmpty()) throw new IllegalArgumentException("there is nothing to say: TEXT is empty");
        ServerConfig cfg = CliEngines.quietConfig(config);
        try (Synthesizer synthesizer = new Synthesizer(new VoiceRegistry(EngineCatalog.load(cfg).engines(), cfg.defaultVoice()),
                new SlotScheduler(1))) {
            VoiceRegistry voices = synthesizer.voices();
            Voice chosen = voice == null ? voices.defaultVoice() : voices.find(voice).orElseThrow(() ->
                    new IllegalArgumentException("unknown voice '" + voice + "' ('verba voices' lists the voices)"));
            float[] pcm = synthesizer.synthesize(text, chosen, SynthesisOptions.DEFAULT, 1, TimeUnit.MINUTES);
            byte[] wav = WavWriter.wav16(pcm, Pcm.SAMPLE_RATE);
            if (output.equals("-")) {
                System.out.write(wav);
                System.out.flush();
            } else {
                Files.write(Path.of(output), wav);
            }
            spec.commandLine().getErr().printf(Locale.ROOT, "wrote %s: %.2f s in voice %s%n", output.equals("-") ? "standard output" : output,
                    pcm.length / (double) Pcm.SAMPLE_RATE, chosen.id());
        }
        return 0;
    }
}
