package verba.model.pocket.mimi;

import verba.model.pocket.KvCache;

/**
 * Everything a Mimi decode stream carries from one latent frame to the next: the upsampler's overlap, the decoder
 * transformer's windowed KV caches (whose offsets are the 200 Hz positions) and the SEANet decoder's conv histories
 * and overlaps. One per generated utterance; create it with {@link MimiDecoder#newState()}.
 */
public final class MimiDecoderState {

    final StreamingConvTranspose1d.State upsample;
    final KvCache[] transformer;
    final SeanetDecoder.State seanet;
    int frames;

    MimiDecoderState(StreamingConvTranspose1d.State upsample, KvCache[] transformer, SeanetDecoder.State seanet) {
        this.upsample = upsample;
        this.transformer = transformer;
        this.seanet = seanet;
    }

    /** Latent frames decoded so far. */
    public int frames() {
        return frames;
    }

    /** An independent copy: decoding from it leaves this state untouched. */
    public MimiDecoderState copy() {
        KvCache[] caches = new KvCache[transformer.length];
        for (int i = 0; i < caches.length; i++) caches[i] = transformer[i].copy();
        MimiDecoderState c = new MimiDecoderState(upsample == null ? null : upsample.copy(), caches, seanet.copy());
        c.frames = frames;
        return c;
    }
}
