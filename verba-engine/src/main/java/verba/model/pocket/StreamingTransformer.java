package verba.model.pocket;

/**
 * A stack of {@link TransformerLayer}s over streaming state ({@code pocket_tts.modules.mimi_transformer
 * .StreamingTransformer}), shared by the FlowLM backbone and Mimi's encoder and decoder transformers. The state is
 * one {@link KvCache} per layer, owned by the caller; a forward call appends a chunk of new positions.
 */
public final class StreamingTransformer {

    /**
     * Geometry of a transformer.
     *
     * @param context    positions a query sees (itself included), 0 for unlimited (FlowLM); Mimi uses 250
     * @param layerScale whether layers carry learned {@code layer_scale_{1,2}.scale} vectors (Mimi)
     */
    public record Spec(int dModel, int numHeads, int numLayers, int dimFeedforward, int context, double maxPeriod,
                       boolean layerScale) {
        public Spec {
            if (dModel <= 0 || numHeads <= 0 || numLayers <= 0 || dimFeedforward <= 0 || context < 0
                    || maxPeriod <= 0) {
                throw new IllegalArgumentException("invalid transformer geometry " + this);
            }
        }
    }

    private final Spec spec;
    private final TransformerLayer[] layers;

    /** @param prefix the module path, e.g. {@code flow_lm.transformer.}; layers are under {@code prefix + "layers.i."} */
    public StreamingTransformer(PocketWeights weights, String prefix, Spec spec) {
        this.spec = spec;
        this.layers = new TransformerLayer[spec.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new TransformerLayer(weights, prefix + "layers." + i + ".", spec);
        }
    }

    public Spec spec() {
        return spec;
    }

    /** Fresh, empty state: one cache per layer with room for {@code capacity} positions before growing. */
    public KvCache[] newState(int capacity) {
        KvCache[] state = new KvCache[layers.length];
        for (int i = 0; i < layers.length; i++) state[i] = layers[i].attention().newCache(capacity);
        return state;
    }

    /** Runs {@code rows} new positions x [rows, dModel] through every layer, in place, advancing {@code state}. */
    public void forward(float[] x, int rows, KvCache[] state) {
        if (state.length != layers.length) {
            throw new IllegalArgumentException("state has " + state.length + " layer caches, the transformer "
                    + layers.length + " layers");
        }
        if (x.length < rows * spec.dModel()) {
            throw new IllegalArgumentException("input holds " + x.length + " floats, " + rows + " rows of "
                    + spec.dModel() + " need " + rows * spec.dModel());
        }
        for (int i = 0; i < layers.length; i++) layers[i].forward(x, rows, state[i]);
    }
}
