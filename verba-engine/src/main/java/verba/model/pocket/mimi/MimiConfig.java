package verba.model.pocket.mimi;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code mimi:} section of a Pocket TTS config, in the official YAML schema ({@code pocket_tts/utils/config.py}):
 * unknown keys are rejected as the reference's strict pydantic models do.
 */
public record MimiConfig(
        String dtype,
        int sampleRate,
        int channels,
        double frameRate,
        SeanetConfig seanet,
        TransformerConfig transformer,
        QuantizerConfig quantizer,
        String weightsPath,
        Integer innerDim,
        Integer outerDim) {

    public record SeanetConfig(int dimension, int channels, int nFilters, int nResidualLayers, List<Integer> ratios,
                               int kernelSize, int residualKernelSize, int lastKernelSize, int dilationBase,
                               String padMode, int compress) {

        /** Samples per encoder step: the product of the ratios. */
        public int hopLength() {
            int hop = 1;
            for (int r : ratios) hop *= r;
            return hop;
        }
    }

    public record TransformerConfig(int dModel, int inputDimension, List<Integer> outputDimensions, int numHeads,
                                    int numLayers, double layerScale, int context, Double maxPeriod,
                                    int dimFeedforward) {

        public double maxPeriodOrDefault() {
            return maxPeriod == null ? 10_000.0 : maxPeriod;
        }
    }

    public record QuantizerConfig(int dimension, int outputDimension) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // A missing int/float key is an error; the optional keys are the boxed ones.
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public MimiConfig {
        if (seanet == null || transformer == null || quantizer == null) {
            throw new IllegalArgumentException("mimi config needs seanet, transformer and quantizer sections");
        }
        if (seanet.ratios() == null || seanet.ratios().isEmpty() || seanet.padMode() == null
                || transformer.outputDimensions() == null) {
            throw new IllegalArgumentException("mimi config needs seanet.ratios, seanet.pad_mode and "
                    + "transformer.output_dimensions");
        }
        if (!seanet.padMode().equals("constant") && !seanet.padMode().equals("replicate")) {
            throw new IllegalArgumentException("mimi.seanet.pad_mode must be constant or replicate, got "
                    + seanet.padMode());
        }
    }

    /** Binds the {@code mimi:} node of a parsed config. */
    public static MimiConfig of(JsonNode mimi) throws IOException {
        return MAPPER.treeToValue(mimi, MimiConfig.class);
    }

    /** Reads the {@code mimi:} section of a config file. */
    public static MimiConfig read(Path configYaml) throws IOException {
        JsonNode root = MAPPER.readTree(configYaml.toFile());
        JsonNode mimi = root.get("mimi");
        if (mimi == null) throw new IOException(configYaml + " has no mimi section");
        return of(mimi);
    }

    /** Rate of the SEANet encoder's output, e.g. 200 Hz. */
    public double encoderFrameRate() {
        return sampleRate / (double) seanet.hopLength();
    }

    /** Samples per latent frame, e.g. 1920 (80 ms at 24 kHz). */
    public int frameSize() {
        return (int) (sampleRate / frameRate);
    }

    /** Encoder steps per latent frame: the stride of the down- and up-sampling convolutions, e.g. 16. */
    public int stepsPerFrame() {
        double ratio = encoderFrameRate() / frameRate;
        if (ratio != Math.rint(ratio) || ratio < 1) {
            throw new IllegalArgumentException("mimi encoder rate " + encoderFrameRate()
                    + " Hz is not an integer multiple of the frame rate " + frameRate + " Hz");
        }
        return (int) ratio;
    }

    /** Width of a latent after the encoder's downsampling: {@code inner_dim}, else the SEANet dimension. */
    public int latentDim() {
        return innerDim != null ? innerDim : seanet.dimension();
    }

    /** Input width of the decoder's upsampling: {@code outer_dim}, else the SEANet dimension. */
    public int upsampleInputDim() {
        return outerDim != null ? outerDim : seanet.dimension();
    }
}
