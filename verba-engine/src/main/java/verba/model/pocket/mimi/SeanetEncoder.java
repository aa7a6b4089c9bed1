package verba.model.pocket.mimi;

import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;
import verba.tensor.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * SEANet encoder ({@code pocket_tts.modules.seanet.SEANetEncoder}): a first conv to {@code n_filters} channels, then
 * per ratio (in reverse order) residual blocks and an ELU + strided conv doubling the channels, then ELU and a last
 * conv to {@code dimension}. PCM [channels, T] becomes [dimension, T / hop]. Weight keys follow the reference's
 * {@code model.{index}} numbering, ELUs included.
 */
final class SeanetEncoder {

    /** One downsampling stage: residual blocks, then ELU and a strided conv. */
    private record Stage(List<SeanetResnetBlock> blocks, StreamingConv1d down) {
    }

    private final StreamingConv1d first;
    private final List<Stage> stages = new ArrayList<>();
    private final StreamingConv1d last;

    SeanetEncoder(PocketWeights weights, String prefix, PocketConfig.Seanet c) {
        StreamingConv1d.PadMode pad = StreamingConv1d.PadMode.of(c.padMode());
        int index = 0;
        first = StreamingConv1d.load(weights, prefix + ".model." + index++, c.channels(), c.nFilters(),
                c.kernelSize(), 1, 1, 1, true, pad);
        int mult = 1;
        List<Integer> ratios = c.ratios().reversed();
        for (int ratio : ratios) {
            int width = mult * c.nFilters();
            List<SeanetResnetBlock> blocks = new ArrayList<>();
            for (int j = 0; j < c.nResidualLayers(); j++) {
                blocks.add(new SeanetResnetBlock(weights, prefix + ".model." + index++, width,
                        c.residualKernelSize(), pow(c.dilationBase(), j), c.compress(), pad));
            }
            index++; // ELU
            StreamingConv1d down = StreamingConv1d.load(weights, prefix + ".model." + index++, width, width * 2,
                    ratio * 2, ratio, 1, 1, true, pad);
            stages.add(new Stage(blocks, down));
            mult *= 2;
        }
        index++; // ELU
        last = StreamingConv1d.load(weights, prefix + ".model." + index, mult * c.nFilters(), c.dimension(),
                c.lastKernelSize(), 1, 1, 1, true, pad);
    }

    /**
     * Encodes {@code pcm} [channels, T] (T a multiple of the hop length) from a fresh state, as the reference's
     * non-streaming {@code encode_to_latent} does.
     */
    float[] forward(float[] pcm) {
        float[] x = first.forward(pcm, first.newState());
        for (Stage stage : stages) {
            for (SeanetResnetBlock block : stage.blocks) x = block.forward(x, block.newState());
            Ops.elu(x, 0, x.length, 1f);
            x = stage.down.forward(x, stage.down.newState());
        }
        Ops.elu(x, 0, x.length, 1f);
        return last.forward(x, last.newState());
    }


    static int pow(int base, int exponent) {
        int r = 1;
        for (int i = 0; i < exponent; i++) r *= base;
        return r;
    }
}
