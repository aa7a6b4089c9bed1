package verba.model.pocket;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Pocket TTS model config in the official YAML schema ({@code pocket_tts/utils/config.py}, pydantic with
 * {@code extra="forbid"}): unknown keys and missing required keys are errors. File references ({@code weights_path},
 * {@code tokenizer_path}) that are not {@code hf://} references are resolved against the config's folder; hub
 * references are kept as written for the hub client.
 */
public record PocketConfig(FlowLm flowLm, Mimi mimi, String weightsPath, String weightsPathWithoutVoiceCloning,
                           Boolean padWithSpacesForShortInputs, Boolean removeSemicolons,
                           Integer modelRecommendedFramesAfterEos) {

    public static final String HUB_SCHEME = "hf://";

    public PocketConfig {
        required(flowLm, "flow_lm");
        required(mimi, "mimi");
        padWithSpacesForShortInputs = padWithSpacesForShortInputs != null && padWithSpacesForShortInputs;
        removeSemicolons = removeSemicolons != null && removeSemicolons;
        if (!flowLm.lookupTable().dim().equals(flowLm.transformer().dModel())) {
            throw new IllegalArgumentException("flow_lm.lookup_table.dim " + flowLm.lookupTable().dim()
                    + " must equal flow_lm.transformer.d_model " + flowLm.transformer().dModel());
        }
    }

    public record FlowLm(String dtype, Flow flow, FlowTransformer transformer, LookupTable lookupTable,
                         String weightsPath, Boolean insertBosBeforeVoice) {
        public FlowLm {
            required(dtype, "flow_lm.dtype");
            required(flow, "flow_lm.flow");
            required(transformer, "flow_lm.transformer");
            required(lookupTable, "flow_lm.lookup_table");
            insertBosBeforeVoice = insertBosBeforeVoice != null && insertBosBeforeVoice;
        }
    }

    public record Flow(Integer dim, Integer depth) {
        public Flow {
            positive(dim, "flow_lm.flow.dim");
            positive(depth, "flow_lm.flow.depth");
        }
    }

    public record FlowTransformer(Integer hiddenScale, Integer maxPeriod, Integer dModel, Integer numHeads,
                                  Integer numLayers) {
        public FlowTransformer {
            positive(hiddenScale, "flow_lm.transformer.hidden_scale");
            positive(maxPeriod, "flow_lm.transformer.max_period");
            positive(dModel, "flow_lm.transformer.d_model");
            positive(numHeads, "flow_lm.transformer.num_heads");
            positive(numLayers, "flow_lm.transformer.num_layers");
        }
    }

    public record LookupTable(Integer dim, Integer nBins, String tokenizer, String tokenizerPath) {
        public LookupTable {
            positive(dim, "flow_lm.lookup_table.dim");
            positive(nBins, "flow_lm.lookup_table.n_bins");
            required(tokenizer, "flow_lm.lookup_table.tokenizer");
            required(tokenizerPath, "flow_lm.lookup_table.tokenizer_path");
            if (!tokenizer.equals("sentencepiece")) {
                throw new IllegalArgumentException("flow_lm.lookup_table.tokenizer '" + tokenizer
                        + "' is not supported (only sentencepiece)");
            }
        }
    }

    public record Mimi(String dtype, Integer sampleRate, Integer channels, Double frameRate, Seanet seanet,
                       MimiTransformer transformer, Quantizer quantizer, String weightsPath, Integer innerDim,
                       Integer outerDim) {
        public Mimi {
            required(dtype, "mimi.dtype");
            positive(sampleRate, "mimi.sample_rate");
            positive(channels, "mimi.channels");
            required(frameRate, "mimi.frame_rate");
            required(seanet, "mimi.seanet");
            required(transformer, "mimi.transformer");
            required(quantizer, "mimi.quantizer");
        }
    }

    public record Seanet(Integer dimension, Integer channels, Integer nFilters, Integer nResidualLayers,
                         List<Integer> ratios, Integer kernelSize, Integer residualKernelSize, Integer lastKernelSize,
                         Integer dilationBase, String padMode, Integer compress) {
        public Seanet {
            positive(dimension, "mimi.seanet.dimension");
            positive(channels, "mimi.seanet.channels");
            positive(nFilters, "mimi.seanet.n_filters");
            required(nResidualLayers, "mimi.seanet.n_residual_layers");
            required(ratios, "mimi.seanet.ratios");
            positive(kernelSize, "mimi.seanet.kernel_size");
            positive(residualKernelSize, "mimi.seanet.residual_kernel_size");
            positive(lastKernelSize, "mimi.seanet.last_kernel_size");
            positive(dilationBase, "mimi.seanet.dilation_base");
            required(padMode, "mimi.seanet.pad_mode");
            positive(compress, "mimi.seanet.compress");
            ratios = List.copyOf(ratios);
        }
    }

    public record MimiTransformer(Integer dModel, Integer inputDimension, List<Integer> outputDimensions,
                                  Integer numHeads, Integer numLayers, Double layerScale, Integer context,
                                  Double maxPeriod, Integer dimFeedforward) {
        public MimiTransformer {
            positive(dModel, "mimi.transformer.d_model");
            positive(inputDimension, "mimi.transformer.input_dimension");
            required(outputDimensions, "mimi.transformer.output_dimensions");
            positive(numHeads, "mimi.transformer.num_heads");
            positive(numLayers, "mimi.transformer.num_layers");
            required(layerScale, "mimi.transformer.layer_scale");
            positive(context, "mimi.transformer.context");
            if (maxPeriod == null) maxPeriod = 10000.0;
            positive(dimFeedforward, "mimi.transformer.dim_feedforward");
            outputDimensions = List.copyOf(outputDimensions);
        }

        /** The geometry of Mimi's encoder and decoder transformers (learned layer scales, windowed attention). */
        public StreamingTransformer.Spec spec() {
            return new StreamingTransformer.Spec(dModel, numHeads, numLayers, dimFeedforward, context, maxPeriod, true);
        }
    }

    public record Quantizer(Integer dimension, Integer outputDimension) {
        public Quantizer {
            positive(dimension, "mimi.quantizer.dimension");
            positive(outputDimension, "mimi.quantizer.output_dimension");
        }
    }

    /** Size of one generated latent (the quantizer dimension). */
    public int latentDim() {
        return mimi.quantizer().dimension();
    }

    /** Input width of {@code speaker_proj_weight}: Mimi's inner dimension, else the SEANet dimension. */
    public int speakerLatentDim() {
        return mimi.innerDim() != null ? mimi.innerDim() : mimi.seanet().dimension();
    }

    /** The FlowLM backbone's geometry: full causal attention, no layer scale. */
    public StreamingTransformer.Spec flowTransformerSpec() {
        FlowTransformer t = flowLm.transformer();
        return new StreamingTransformer.Spec(t.dModel(), t.numHeads(), t.numLayers(), t.dModel() * t.hiddenScale(),
                0, t.maxPeriod(), false);
    }

    public static boolean isHubReference(String ref) {
        return ref != null && ref.startsWith(HUB_SCHEME);
    }

    /** Reads and validates a config; local file references become paths relative to the config's folder. */
    public static PocketConfig load(Path yaml) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        PocketConfig raw;
        try {
            raw = mapper.readValue(Files.readString(yaml), PocketConfig.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(yaml + ": config file not found");
        } catch (UnrecognizedPropertyException e) {
            throw new IOException(yaml + ": unknown key '" + e.getPropertyName() + "' at " + path(e), e);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException(yaml + ": " + cause.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IOException(yaml + ": not a valid Pocket TTS config: " + e.getOriginalMessage()
                    + " at " + location(e), e);
        }
        if (raw == null) throw new IOException(yaml + ": empty config");
        Path folder = yaml.toAbsolutePath().getParent();
        LookupTable lt = raw.flowLm.lookupTable;
        FlowLm flowLm = new FlowLm(raw.flowLm.dtype, raw.flowLm.flow, raw.flowLm.transformer,
                new LookupTable(lt.dim, lt.nBins, lt.tokenizer, resolve(folder, lt.tokenizerPath)),
                resolve(folder, raw.flowLm.weightsPath), raw.flowLm.insertBosBeforeVoice);
        Mimi m = raw.mimi;
        Mimi mimi = new Mimi(m.dtype, m.sampleRate, m.channels, m.frameRate, m.seanet, m.transformer, m.quantizer,
                resolve(folder, m.weightsPath), m.innerDim, m.outerDim);
        return new PocketConfig(flowLm, mimi, resolve(folder, raw.weightsPath),
                resolve(folder, raw.weightsPathWithoutVoiceCloning), raw.padWithSpacesForShortInputs,
                raw.removeSemicolons, raw.modelRecommendedFramesAfterEos);
    }

    private static String resolve(Path folder, String ref) {
        if (ref == null || isHubReference(ref)) return ref;
        return folder.resolve(ref).normalize().toString();
    }

    private static String path(UnrecognizedPropertyException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() == null) continue;
            if (!sb.isEmpty()) sb.append('.');
            sb.append(ref.getFieldName());
        }
        return sb.toString();
    }

    private static String location(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "?" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static void required(Object value, String key) {
        if (value == null) throw new IllegalArgumentException("missing required key " + key);
    }

    private static void positive(Integer value, String key) {
        required(value, key);
        if (value <= 0) throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
}
