package verba.model.pocket.mimi;

import verba.model.pocket.PocketConfig;
import verba.model.pocket.PocketWeights;
import verba.tensor.Ops;

import java.util.ArrayList;
import java.util.List;

/**
 * SEANet decoder ({@code pocket_tts.modules.seanet.SEANetDecoder}), streaming: a first conv from {@code dimension}
 * to {@code n_filters * 2^len(ratios)} channels, then per ratio an ELU + transposed conv halving the channels and
 * residual blocks, then ELU and a last conv to {@code channels}. [dimension, T] becomes [channels, T * hop]. Weight
 * keys follow the reference's {@code model.{index}} numbering, ELUs included.
 */
final class SeanetDecoder {

    /** One upsampling stage: ELU and a transposed conv, then residual blocks. */
    private record Stage(StreamingConvTranspose1d up, List<SeanetResnetBlock> blocks) {
    }

    /** Conv histories and overlaps of one stream. */
    static final class State {
        final StreamingConv1d.State first;
        final StreamingConvTranspose1d.State[] ups;
        final SeanetResnetBlock.State[][] blocks;
        final StreamingConv1d.State last;

        State(StreamingConv1d.State first, StreamingConvTranspose1d.State[] ups,
              SeanetResnetBlock.State[][] blocks, StreamingConv1d.State last) {
            this.first = first;
            this.ups = ups;
            this.blocks = blocks;
            this.last = last;
        }

        State copy() {
            StreamingConvTranspose1d.State[] u = new StreamingConvTranspose1d.State[ups.length];
            SeanetResnetBlock.State[][] b = new SeanetResnetBlock.State[blocks.length][];
            for (int i = 0; i < ups.length; i++) {
                u[i] = ups[i].copy();
                b[i] = new SeanetResnetBlock.State[blocks[i].length];
                for (int j = 0; j < blocks[i].length; j++) b[i][j] = blocks[i][j].copy();
            }
            return new State(first.copy(), u, b, last.copy());
        }
    }

    private final StreamingConv1d first;
    private final List<Stage> stages = new ArrayList<>();
    private final StreamingConv1d last;

    SeanetDecoder(PocketWeights weights, String prefix, PocketConfig.Seanet c) {
        StreamingConv1d.PadMode pad = StreamingConv1d.PadMode.of(c.padMode());
        int mult = SeanetEncoder.pow(2, c.ratios().size());
        int index = 0;
        first = StreamingConv1d.load(weights, prefix + ".model." + index++, c.dimension(), mult * c.nFilters(),
                c.kernelSize(), 1, 1, 1, true, pad);
        for (int ratio : c.ratios()) {
            int width = mult * c.nFilters();
            index++; // ELU
            StreamingConvTranspose1d up = StreamingConvTranspose1d.load(weights, prefix + ".model." + index++,
                    width, width / 2, ratio * 2, ratio, 1, true);
            List<SeanetResnetBlock> blocks = new ArrayList<>();
            for (int j = 0; j < c.nResidualLayers(); j++) {
                blocks.add(new SeanetResnetBlock(weights, prefix + ".model." + index++, width / 2,
                        c.residualKernelSize(), SeanetEncoder.pow(c.dilationBase(), j), c.compress(), pad));
            }
            stages.add(new Stage(up, blocks));
            mult /= 2;
        }
        index++; // ELU
        last = StreamingConv1d.load(weights, prefix + ".model." + index, c.nFilters(), c.channels(),
                c.lastKernelSize(), 1, 1, 1, true, pad);
    }

    State newState() {
        StreamingConvTranspose1d.State[] ups = new StreamingConvTranspose1d.State[stages.size()];
        SeanetResnetBlock.State[][] blocks = new SeanetResnetBlock.State[stages.size()][];
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            ups[i] = s.up.newState();
            blocks[i] = new SeanetResnetBlock.State[s.blocks.size()];
            for (int j = 0; j < s.blocks.size(); j++) blocks[i][j] = s.blocks.get(j).newState();
        }
        return new State(first.newState(), ups, blocks, last.newState());
    }

    /** Decodes the next {@code z} [dimension, T] of a stream to [channels, T * hop]. */
    float[] forward(float[] z, State state) {
        float[] x = first.forward(z, state.first);
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            Ops.elu(x, 0, x.length, 1f);
            x = stage.up.forward(x, state.ups[i]);
            for (int j = 0; j < stage.blocks.size(); j++) x = stage.blocks.get(j).forward(x, state.blocks[i][j]);
        }
        Ops.elu(x, 0, x.length, 1f);
        return last.forward(x, state.last);
    }
}
