package verba.audio;

/** Mono float PCM (nominally in [-1, 1]) at a sample rate: what a decoded upload or prompt file becomes. */
public record Audio(float[] samples, int sampleRate) {

    public Audio {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** The first {@code seconds} of this audio (all of it when shorter). */
    public Audio cropSeconds(double seconds) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("crop length must be >= 0 seconds, got " + seconds);
        long keep = (long) Math.floor(seconds * sampleRate);
        if (keep >= samples.length) return this;
        return new Audio(java.util.Arrays.copyOf(samples, (int) keep), sampleRate);
    }

    /** This audio at {@code rate} Hz ({@link Resampler}); itself when already there. */
    public Audio resampledTo(int rate) {
        if (rate == sampleRate) return this;
        return new Audio(Resampler.resample(samples, sampleRate, rate), rate);
    }

    /** This audio at the engines' 24 kHz. */
    public Audio to24k() {
        return resampledTo(Pcm.SAMPLE_RATE);
    }
}
