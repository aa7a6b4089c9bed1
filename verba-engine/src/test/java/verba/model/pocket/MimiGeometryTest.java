package verba.model.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import verba.model.pocket.mimi.MimiDecoder;
import verba.model.pocket.mimi.MimiDecoderState;
import verba.model.pocket.mimi.MimiEncoder;
import verba.model.pocket.mimi.MimiGeometry;
import verba.tensor.DType;
import verba.tensor.StateDict;
import verba.tensor.Weight;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Mimi at dimensions other than the fixture's: the released layout loads exactly, and a model of another shape
 * (more residual layers with dilation, projected transformer, a short attention window, other ratios) streams
 * consistently and stays causal.
 */
class MimiGeometryTest {

    /** The released configs' {@code mimi:} section (english_2026-04, french_24l and the other 2026-04 languages). */
    static PocketConfig.Mimi released() {
        return new PocketConfig.Mimi("float32", 24000, 1, 12.5,
                new PocketConfig.Seanet(512, 1, 64, 1, List.of(6, 5, 4), 7, 3, 3, 2, "constant", 2),
                new PocketConfig.MimiTransformer(512, 512, List.of(512), 8, 2, 0.01, 250, 10000.0, 2048),
                new PocketConfig.Quantizer(32, 512), null, 32, 512);
    }

    /**
     * Another shape: 8 kHz, ratios [4, 2] (hop 8), 2 residual layers, compress 3, d_model 12 projected from 20,
     * window 5, an upsampler with 2 inputs per group.
     */
    static PocketConfig.Mimi other() {
        return new PocketConfig.Mimi("float32", 8000, 1, 250.0,
                new PocketConfig.Seanet(20, 1, 3, 2, List.of(4, 2), 5, 3, 2, 2, "constant", 3),
                new PocketConfig.MimiTransformer(12, 20, List.of(20), 3, 3, 0.1, 5, 100.0, 24),
                new PocketConfig.Quantizer(6, 40), null, 7, 40);
    }

    @ParameterizedTest
    @ValueSource(strings = {"english_2026-04", "french_24l"})
    void theReleasedLayoutLoadsExactly(String name) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(ReleasedLayoutTest.MANIFESTS.toFile()).get(name);
        Map<String, StateDict.TensorSpec> specs = new LinkedHashMap<>();
        long mimiParams = 0;
        for (var it = manifest.get("keys").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode shapeNode = e.getValue().get(0);
            int[] shape = new int[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asInt();
            specs.put(e.getKey(), new StateDict.TensorSpec(DType.F32, shape));
            if (e.getKey().startsWith("mimi.")) mimiParams += Weight.count(shape);
        }
        assertEquals(manifest.get("mimi_params").asLong(), mimiParams);
        PocketWeights weights = PocketWeights.layoutOnly(name, specs);
        MimiDecoder decoder = new MimiDecoder(weights, released());
        MimiEncoder encoder = new MimiEncoder(weights, released());
        // Everything under mimi. is built; of the FlowLM only the latent statistics belong to the decoder.
        for (String k : specs.keySet()) {
            if (k.startsWith("flow_lm.") && !k.equals("flow_lm.emb_std") && !k.equals("flow_lm.emb_mean")) {
                weights.skip(k);
            }
        }
        weights.finish();
        assertEquals(new MimiGeometry(120, 1920, 16, 32), decoder.geometry());
        assertEquals(32, encoder.latentDim());
    }

    @Test
    void anotherShapeDecodesTheSameInPiecesAsAtOnce() throws IOException {
        PocketConfig.Mimi config = other();
        PocketWeights weights = new PocketWeights("random", randomMimi(config, 5).tensors);
        MimiDecoder decoder = new MimiDecoder(weights, config);
        MimiEncoder encoder = new MimiEncoder(weights, config);
        weights.finish();
        MimiGeometry g = decoder.geometry();
        assertEquals(new MimiGeometry(8, 32, 4, 7), g);

        int frames = 9;
        float[] latents = new RandomWeights(6).gaussian(frames * 6);
        float[] whole = decoder.decode(latents, frames, decoder.newState());
        assertEquals(frames * g.frameSize(), whole.length);
        // Past the 5-step window (20 steps at 4 per frame): the caches must drop and keep exactly the visible keys.
        MimiDecoderState state = decoder.newState();
        float[] pieces = new float[whole.length];
        int at = 0;
        for (int n : new int[]{1, 3, 1, 4}) {
            float[] part = decoder.decode(Arrays.copyOfRange(latents, at * 6, (at + n) * 6), n, state);
            System.arraycopy(part, 0, pieces, at * g.frameSize(), part.length);
            at += n;
        }
        assertArrayEquals(whole, pieces, 1e-5f);

        // The encoder is causal: more audio after whole frames leaves the earlier latents as they were.
        float[] pcm = new RandomWeights(8).gaussian(5 * g.frameSize() + 11);
        float[] full = encoder.encodeFrames(pcm);
        assertEquals(6 * 7, full.length);
        float[] prefix = encoder.encodeFrames(Arrays.copyOf(pcm, 3 * g.frameSize()));
        assertArrayEquals(prefix, Arrays.copyOf(full, prefix.length), 1e-5f);
    }

    /** Random weights under the reference's key names for a Mimi of geometry {@code m}. */
    static RandomWeights randomMimi(PocketConfig.Mimi m, long seed) {
        RandomWeights w = new RandomWeights(seed);
        PocketConfig.Seanet s = m.seanet();
        int latent = m.quantizer().dimension(), outer = m.quantizer().outputDimension();
        w.put("flow_lm.emb_std", 1, 0.1f, latent).put("flow_lm.emb_mean", 0, 0.1f, latent);
        w.put("mimi.quantizer.output_proj.weight", 0, 0.3f, outer, latent, 1);
        int steps = MimiGeometry.of(m).stepsPerFrame();
        w.put("mimi.upsample.convtr.convtr.weight", 0, 0.3f, outer, 1, 2 * steps);
        w.put("mimi.downsample.conv.conv.weight", 0, 0.05f, m.innerDim(), s.dimension(), 2 * steps);
        for (String side : new String[]{"encoder", "decoder"}) {
            String p = "mimi." + side + "_transformer.";
            w.transformer(p + "transformer.", m.transformer().spec());
            w.put(p + "input_proj.weight", 0, 0.2f, m.transformer().dModel(), m.transformer().inputDimension());
            w.put(p + "output_projs.0.weight", 0, 0.2f, m.transformer().outputDimensions().getFirst(),
                    m.transformer().dModel());
        }
        // Encoder: conv, per reversed ratio (residual blocks, ELU, strided conv), ELU, conv.
        int index = 0, mult = 1;
        conv(w, "mimi.encoder.model." + index++, s.nFilters(), s.channels(), s.kernelSize());
        for (int ratio : s.ratios().reversed()) {
            int width = mult * s.nFilters();
            for (int j = 0; j < s.nResidualLayers(); j++) block(w, "mimi.encoder.model." + index++, width, s);
            index++;
            conv(w, "mimi.encoder.model." + index++, 2 * width, width, 2 * ratio);
            mult *= 2;
        }
        conv(w, "mimi.encoder.model." + (index + 1), s.dimension(), mult * s.nFilters(), s.lastKernelSize());
        // Decoder: conv, per ratio (ELU, transposed conv, residual blocks), ELU, conv.
        index = 0;
        mult = 1 << s.ratios().size();
        conv(w, "mimi.decoder.model." + index++, mult * s.nFilters(), s.dimension(), s.kernelSize());
        for (int ratio : s.ratios()) {
            int width = mult * s.nFilters();
            index++;
            String up = "mimi.decoder.model." + index++ + ".convtr.";
            w.put(up + "weight", 0, 0.2f, width, width / 2, 2 * ratio).put(up + "bias", 0, 0.1f, width / 2);
            for (int j = 0; j < s.nResidualLayers(); j++) block(w, "mimi.decoder.model." + index++, width / 2, s);
            mult /= 2;
        }
        conv(w, "mimi.decoder.model." + (index + 1), s.channels(), s.nFilters(), s.lastKernelSize());
        return w;
    }

    private static void block(RandomWeights w, String prefix, int dim, PocketConfig.Seanet s) {
        conv(w, prefix + ".block.1", dim / s.compress(), dim, s.residualKernelSize());
        conv(w, prefix + ".block.3", dim, dim / s.compress(), 1);
    }

    private static void conv(RandomWeights w, String module, int out, int in, int kernel) {
        w.put(module + ".conv.weight", 0, (float) (1 / Math.sqrt(in * kernel)), out, in, kernel);
        w.put(module + ".conv.bias", 0, 0.1f, out);
    }
}
