package verba.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import verba.model.pocket.ChunkPipeline;
import verba.model.pocket.FlowLm;
import verba.model.pocket.GaussianNoise;
import verba.model.pocket.KvCache;
import verba.model.pocket.LatentGenerator;
import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketRelease;
import verba.model.pocket.PocketWeights;
import verba.model.pocket.VoiceState;
import verba.model.pocket.mimi.MimiDecoder;
import verba.model.pocket.mimi.MimiDecoderState;
import verba.tensor.Parallel;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code verba bench pocket --config english --random-weights --threads N}: builds a released Pocket TTS model at
 * its real size with random weights (nothing is downloaded), prefills a 5-second voice, then speaks a fixed text
 * the way a session does (text prefill, then per frame a FlowLM backbone step, the flow net, and the Mimi decode),
 * and reports time to first audio, speed as a multiple of real time, and the milliseconds of each stage. Random
 * weights never fire EOS, so the length is fixed: the text's frame limit, capped by {@code --frames}.
 */
@Command(name = "pocket", mixinStandardHelpOptions = true,
        description = "Benchmark Pocket TTS at real size with random weights: time to first audio, x real time, "
                + "per-stage ms.")
final class PocketBenchCommand implements Callable<Integer> {

    /** The reference's default English text ({@code DEFAULT_TEXT_FOR_LANGUAGE}). */
    static final String TEXT = "Hello world. I am Kyutai's Pocket TTS. I'm fast enough to run on small CPUs. "
            + "I hope you'll like me.";
    /** Characters per token of the released tokenizers on English prose, roughly. */
    private static final int CHARS_PER_TOKEN = 4;
    private static final double VOICE_SECONDS = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", defaultValue = "english", paramLabel = "NAME",
            description = "a released config: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            completionCandidates = Releases.class)
    String config;

    @Option(names = "--random-weights", required = true,
            description = "use seeded random weights of the real size (required: the benchmark downloads nothing)")
    boolean randomWeights;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "compute threads (default: 2)")
    int threads;

    @Option(names = "--bf16", description = "keep the FlowLM backbone weights as bfloat16 (pocket_precision)")
    boolean bf16;

    @Option(names = "--frames", defaultValue = "155", paramLabel = "N",
            description = "most frames to generate, 80 ms each (default: ${DEFAULT-VALUE}, 12.4 s as the reference's)")
    int maxFrames;

    @Option(names = "--runs", defaultValue = "2", paramLabel = "N",
            description = "runs; the first warms the JIT up, the last is reported (default: ${DEFAULT-VALUE})")
    int runs;

    static final class Releases implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PocketRelease.names().iterator();
        }
    }

    /** Times of one run, in nanoseconds. */
    private record Run(int tokens, int frames, long prefill, long firstAudio, long total, long backbone, long flow,
                       long decode) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (threads < 1 || maxFrames < 1 || runs < 1) {
            throw new IllegalArgumentException("--threads, --frames and --runs must be at least 1");
        }
        // The compute pool reads its size once, when the kernels are first used.
        System.setProperty("verba.threads", Integer.toString(threads));
        PocketRelease release = PocketRelease.named(config);
        PocketConfig cfg = release.config();

        long t0 = System.nanoTime();
        PocketWeights weights = PocketWeights.random(1);
        if (bf16) weights.narrowBackboneToBf16();
        FlowLm lm = new FlowLm(weights, cfg);
        MimiDecoder decoder = new MimiDecoder(weights, cfg.mimi());
        long params = 0;
        for (String key : weights.layout().keys()) params += count(weights.layout().shape(key));
        out.printf(Locale.ROOT, "Pocket TTS %s, random weights%s: %.1f M parameters without the Mimi encoder, built in "
                + "%.1f s; %d compute threads (%d processors)%n", release.name(),
                bf16 ? " (FlowLM backbone in bfloat16)" : "", params / 1e6,
                (System.nanoTime() - t0) / 1e9, Parallel.threads(), Runtime.getRuntime().availableProcessors());

        SplittableRandom random = new SplittableRandom(7);
        int voiceFrames = (int) Math.ceil(VOICE_SECONDS * cfg.mimi().frameRate());
        float[] latents = new float[voiceFrames * cfg.speakerLatentDim()];
        for (int i = 0; i < latents.length; i++) latents[i] = (float) random.nextGaussian();
        long v0 = System.nanoTime();
        VoiceState voice = VoiceState.prefill(lm, lm.voiceConditioning(latents, voiceFrames),
                lm.voicePrefixRows(voiceFrames), FlowLm.Sampling.DEFAULTS, new GaussianNoise(1));
        out.printf(Locale.ROOT, "voice prefill (%.0f s prompt, %d positions): %.0f ms%n", VOICE_SECONDS,
                voice.positions(), (System.nanoTime() - v0) / 1e6);
        out.flush();

        int[] tokens = tokens(TEXT, cfg.flowLm().lookupTable().nBins());
        Run run = null;
        long cpu = 0;
        for (int r = 0; r < runs; r++) {
            cpu = processCpuNanos();
            run = run(lm, decoder, voice, tokens, Math.min(maxFrames, new LatentGenerator(lm, cfg).maxFrames(tokens.length)));
            cpu = processCpuNanos() - cpu;
            out.printf(Locale.ROOT, "run %d: %s%n", r + 1, summary(run, decoder.frameSize(), cfg.mimi().sampleRate()));
            out.flush();
        }
        double audio = run.frames() * (double) decoder.frameSize() / cfg.mimi().sampleRate();
        LatentGenerator generator = new LatentGenerator(lm, cfg);
        long[] pipelined = pipelined(generator, decoder, voice, tokens);
        double pipelinedAudio = pipelined[2] * (double) decoder.frameSize() / cfg.mimi().sampleRate();
        out.printf(Locale.ROOT, "%ntext: %d tokens, %d frames = %.1f s of audio%n", run.tokens(), run.frames(), audio);
        out.printf(Locale.ROOT, "one thread after the other: first audio %.0f ms, %.2fx real time (%.2f s for %.1f s)%n",
                run.firstAudio() / 1e6, audio / (run.total() / 1e9), run.total() / 1e9, audio);
        out.printf(Locale.ROOT, "as a session runs (decoder beside the FlowLM): time to first audio %.0f ms, speed "
                + "%.2fx real time (%.2f s for %.1f s)%n", pipelined[0] / 1e6, pipelinedAudio / (pipelined[1] / 1e9),
                pipelined[1] / 1e9, pipelinedAudio);
        out.printf(Locale.ROOT, "per stage: text prefill %.1f ms; per frame: FlowLM step %.1f ms, flow net %.1f ms, "
                        + "Mimi decode %.1f ms (frame budget for real time: %.0f ms)%n", run.prefill() / 1e6,
                run.backbone() / 1e6 / run.frames(), run.flow() / 1e6 / run.frames(),
                run.decode() / 1e6 / run.frames(), 1000 / cfg.mimi().frameRate());
        // On a shared machine the wall clock includes time other processes took; the CPU time says how busy we were.
        out.printf(Locale.ROOT, "process CPU during the run: %.2f s (%.2f cores busy on average; system load %.1f)%n",
                cpu / 1e9, cpu / (double) run.total(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.flush();
        return 0;
    }

    private static String summary(Run r, int frameSize, int rate) {
        double audio = r.frames() * (double) frameSize / rate;
        return String.format(Locale.ROOT, "first audio %.0f ms, %.2fx real time", r.firstAudio() / 1e6,
                audio / (r.total() / 1e9));
    }

    /** The session's work for one chunk, stage by stage (as {@code LatentGenerator} and the Mimi decoder do it). */
    private static Run run(FlowLm lm, MimiDecoder decoder, VoiceState voice, int[] tokens, int frames) {
        FlowLm.Sampling sampling = new FlowLm.Sampling(0.7, 1, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        GaussianNoise noise = new GaussianNoise(3);
        long start = System.nanoTime();
        KvCache[] state = voice.copyCaches(voice.positions() + tokens.length + frames + 1);
        lm.sample(lm.backbone(lm.embedText(tokens), tokens.length, state), sampling, noise);
        long prefill = System.nanoTime() - start;
        MimiDecoderState mimi = decoder.newState();
        float[] latent = new float[lm.latentDim()];
        Arrays.fill(latent, Float.NaN);
        long backbone = 0, flow = 0, decode = 0, firstAudio = 0;
        for (int f = 0; f < frames; f++) {
            long a = System.nanoTime();
            float[] h = lm.backbone(lm.embedLatent(latent), 1, state);
            long b = System.nanoTime();
            latent = lm.sample(h, sampling, noise).latent();
            long c = System.nanoTime();
            decoder.decodeFrame(latent, mimi);
            long d = System.nanoTime();
            backbone += b - a;
            flow += c - b;
            decode += d - c;
            if (f == 0) firstAudio = d - start;
        }
        return new Run(tokens.length, frames, prefill, firstAudio, System.nanoTime() - start, backbone, flow, decode);
    }

    /** A session's chunk through {@link ChunkPipeline}: {first audio ns, total ns, frames}. */
    private static long[] pipelined(LatentGenerator generator, MimiDecoder decoder, VoiceState voice, int[] tokens) {
        FlowLm.Sampling sampling = new FlowLm.Sampling(0.7, 1, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        long start = System.nanoTime();
        long[] first = {0};
        LatentGenerator.Result r = ChunkPipeline.run(generator, decoder, voice, tokens, 0, sampling,
                new GaussianNoise(3), pcm -> {
                    if (first[0] == 0) first[0] = System.nanoTime() - start;
                });
        return new long[]{first[0], System.nanoTime() - start, r.frames()};
    }

    /** Stand-in token ids for a text (no tokenizer is downloaded): one per few characters, seeded by the text. */
    static int[] tokens(String text, int vocabulary) {
        int n = Math.max(1, text.length() / CHARS_PER_TOKEN);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            String piece = text.substring(i * CHARS_PER_TOKEN, Math.min(text.length(), (i + 1) * CHARS_PER_TOKEN));
            ids[i] = Math.floorMod(piece.hashCode(), vocabulary);
        }
        return ids;
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
