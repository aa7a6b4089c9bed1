package verba.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import verba.audio.Audio;
import verba.audio.WavReader;
import verba.model.pocket.FlowLm;
import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;
import verba.model.pocket.VoiceCloner;
import verba.model.pocket.VoiceState;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code verba dev clone --model DIR --prompt WAV --out FILE}: clones a voice from a recording and writes its state in
 * the official voice format, as {@code pocket-tts export-voice} does (the prompt is cut to its first 30 seconds).
 */
@Command(name = "clone", mixinStandardHelpOptions = true,
        description = "Clone a voice from a WAV prompt with a Pocket TTS model and write the voice state "
                + "(official safetensors format).")
final class CloneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "a folder with config.yaml and model.safetensors")
    Path model;

    @Option(names = "--prompt", required = true, paramLabel = "WAV", description = "the voice prompt (any rate)")
    Path prompt;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the voice state file to write")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            PocketConfig config = PocketConfig.load(model.resolve("config.yaml"));
            Audio audio = WavReader.read(prompt).cropSeconds(VoiceCloner.MAX_PROMPT_SECONDS);
            VoiceState voice;
            try (PocketWeights weights = PocketWeights.open(model.resolve("model.safetensors"))) {
                FlowLm lm = new FlowLm(weights, config);
                VoiceCloner cloner = VoiceCloner.load(weights, config, lm);
                // Cloning does not decode: the decoder half of the checkpoint is accounted for, not loaded.
                for (String part : new String[]{"mimi.decoder.", "mimi.decoder_transformer.", "mimi.quantizer.",
                        "mimi.upsample."}) {
                    weights.skip(part);
                }
                weights.finish();
                voice = cloner.clone(audio);
            }
            voice.write(out);
            spec.commandLine().getOut().printf("%s: %d positions from %.2f s of %s%n", out, voice.positions(),
                    audio.durationSeconds(), prompt);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (NoSuchFileException e) {
            err.println("verba: no such file: " + e.getFile());
            err.flush();
            return 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("verba: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
