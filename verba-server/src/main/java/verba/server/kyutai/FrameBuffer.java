package verba.server.kyutai;

import verba.audio.Pcm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts engine audio chunks of any length into the protocol's 80 ms frames of exactly {@link Pcm#FRAME_SAMPLES}
 * samples. Not thread-safe: it belongs to one connection's writer.
 */
final class FrameBuffer {

    private final float[] pending = new float[Pcm.FRAME_SAMPLES];
    private int filled;

    /** Adds a chunk; returns the frames it completed (often none, sometimes several). */
    List<float[]> add(float[] chunk) {
        List<float[]> frames = new ArrayList<>(chunk.length / Pcm.FRAME_SAMPLES + 1);
        int at = 0;
        while (at < chunk.length) {
            int n = Math.min(chunk.length - at, pending.length - filled);
            System.arraycopy(chunk, at, pending, filled, n);
            filled += n;
            at += n;
            if (filled == pending.length) {
                frames.add(pending.clone());
                filled = 0;
            }
        }
        return frames;
    }

    /** The last, partial frame padded with zeros, or null when nothing is pending. */
    float[] flush() {
        if (filled == 0) return null;
        float[] last = Arrays.copyOf(pending, pending.length);
        Arrays.fill(last, filled, last.length, 0f);
        filled = 0;
        return last;
    }
}
