package verba.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import verba.model.pocket.FlowLm;
import verba.model.pocket.LatentGenerator;
import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketTts;
import verba.model.pocket.RecordedNoise;
import verba.model.pocket.VoiceState;
import verba.tensor.SafeTensors;
import verba.tensor.SafeTensorsWriter;
import verba.tensor.TensorData;

/**
 * {@code verba dev replay}: runs Pocket TTS generation exactly as the reference loop does, with the noise taken in
 * call order from a recorded tensor, and writes every step's latent and EOS flag and the decoded audio.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Generate with Pocket TTS from recorded noise; writes latents [f, latent_dim] F32, eos [f] I64 "
                + "and pcm [n] F32 to a safetensors file.")
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "folder with config.yaml, model.safetensors and tokenizer.model")
    Path model;

    @Option(names = "--voice", required = true, paramLabel = "FILE", description = "a voice state (.safetensors)")
    Path voice;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "the text to speak")
    String text;

    @Option(names = "--noise", required = true, paramLabel = "FILE",
            description = "safetensors file whose tensor 'noise' [k, latent_dim] holds the draws in call order")
    Path noise;

    @Option(names = "--temp", paramLabel = "T", defaultValue = "0.7", description = "temperature (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--lsd-steps", paramLabel = "N", defaultValue = "1", description = "LSD decode steps (default ${DEFAULT-VALUE})")
    int lsdSteps;

    @Option(names = "--noise-clamp", paramLabel = "C", description = "truncate the noise to [-C, C] (default: none)")
    Double noiseClamp;

    @Option(names = "--eos-threshold", paramLabel = "E", defaultValue = "-4.0",
            description = "EOS logit threshold (default ${DEFAULT-VALUE})")
    double eosThreshold;

    @Option(names = "--frames-after-eos", paramLabel = "F",
            description = "frames generated after EOS (default: the model's rule)")
    Integer framesAfterEos;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the safetensors file to write")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            FlowLm.Sampling sampling = new FlowLm.Sampling(temperature, lsdSteps,
                    noiseClamp == null ? Double.POSITIVE_INFINITY : noiseClamp, eosThreshold);
            RecordedNoise draws;
            try (SafeTensors file = SafeTensors.open(noise)) {
                if (!file.has("noise")) throw new IOException(noise + " has no tensor 'noise'");
                draws = RecordedNoise.of(file.get("noise"));
            }
            PocketConfig config = PocketConfig.load(model.resolve("config.yaml"));
            try (PocketTts tts = PocketTts.load(config, model.resolve("model.safetensors"),
                    model.resolve("tokenizer.model"))) {
                VoiceState state = tts.readVoice(voice);
                List<float[]> latents = new ArrayList<>();
                List<Boolean> eos = new ArrayList<>();
                List<float[]> pcm = new ArrayList<>();
                tts.generate(state, text, framesAfterEos == null ? OptionalInt.empty() : OptionalInt.of(framesAfterEos),
                        sampling, draws, new PocketTts.Listener() {
                            @Override
                            public void onStep(LatentGenerator.Frame frame) {
                                latents.add(frame.latent());
                                eos.add(frame.eos());
                            }

                            @Override
                            public void onAudio(float[] samples) {
                                pcm.add(samples);
                            }
                        });
                write(tts.flowLm().latentDim(), latents, eos, pcm);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("verba: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private void write(int latentDim, List<float[]> latents, List<Boolean> eos, List<float[]> pcm) throws IOException {
        float[] flatLatents = new float[latents.size() * latentDim];
        for (int i = 0; i < latents.size(); i++) System.arraycopy(latents.get(i), 0, flatLatents, i * latentDim, latentDim);
        long[] flags = new long[eos.size()];
        for (int i = 0; i < flags.length; i++) flags[i] = eos.get(i) ? 1 : 0;
        int samples = pcm.stream().mapToInt(p -> p.length).sum();
        float[] audio = new float[samples];
        int o = 0;
        for (float[] p : pcm) {
            System.arraycopy(p, 0, audio, o, p.length);
            o += p.length;
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("latents", TensorData.f32(flatLatents, latents.size(), latentDim));
        tensors.put("eos", TensorData.i64(flags, flags.length));
        tensors.put("pcm", TensorData.f32(audio, samples));
        SafeTensorsWriter.write(out, tensors, Map.of());
    }
}
