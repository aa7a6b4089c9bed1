package verba.audio;

/** The audio format every engine produces: mono float PCM at 24 kHz, framed in 80 ms (1920-sample) frames. */
public final class Pcm {

    public static final int SAMPLE_RATE = 24_000;

    /** One Mimi frame: 80 ms at 24 kHz, the unit the Kyutai protocol streams. */
    public static final int FRAME_SAMPLES = 1920;

    private Pcm() {
    }

    /** Float sample in [-1, 1] to signed 16-bit, clamped. */
    public static short toS16(float sample) {
        float clamped = Math.max(-1f, Math.min(1f, sample));
        return (short) Math.round(clamped * 32767f);
    }
}
