package verba.audio;

/**
 * Rational-rate resampling identical to scipy's {@code resample_poly(x, up, down)} with its defaults (a
 * {@code firwin} low-pass with a ('kaiser', 5.0) window, zero padding at both ends), which is what Pocket TTS's
 * {@code convert_audio} applies to a voice prompt. Computed polyphase: each output sample only touches the
 * filter taps that meet real input samples, never a zero-stuffed signal.
 */
public final class Resampler {

    private static final double KAISER_BETA = 5.0;

    private Resampler() {
    }

    /** {@code in} at {@code fromRate} Hz, resampled to {@code toRate} Hz; a copy when the rates are equal. */
    public static float[] resample(float[] in, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + fromRate + " -> " + toRate);
        }
        int g = gcd(fromRate, toRate);
        int up = toRate / g, down = fromRate / g;
        if (up == 1 && down == 1) return in.clone();

        int halfLen = 10 * Math.max(up, down);
        double[] h = lowPass(2 * halfLen + 1, 1.0 / Math.max(up, down), up);
        int nIn = in.length;
        int nOut = Math.toIntExact(ceilDiv((long) nIn * up, down));
        float[] out = new float[nOut];
        // Output n sits at position n*down of the upsampled signal; scipy's pre-padding puts the filter centre
        // there, so y[n] = sum_i h[n*down + halfLen - i*up] * x[i] over the i that keep the tap index in range.
        for (int n = 0; n < nOut; n++) {
            long centre = (long) n * down + halfLen;
            long iFirst = Math.max(0, ceilDiv(centre - 2L * halfLen, up));
            long iLast = Math.min(nIn - 1, Math.floorDiv(centre, up));
            double acc = 0;
            int tap = (int) (centre - iFirst * up);
            for (int i = (int) iFirst; i <= iLast; i++, tap -= up) acc += h[tap] * in[i];
            out[n] = (float) acc;
        }
        return out;
    }

    /**
     * scipy's {@code firwin(taps, cutoff, window=('kaiser', 5.0))} (cutoff relative to Nyquist, pass-zero,
     * scaled to unit gain at DC), times {@code gain}.
     */
    static double[] lowPass(int taps, double cutoff, double gain) {
        double[] h = new double[taps];
        double alpha = 0.5 * (taps - 1);
        double i0Beta = besselI0(KAISER_BETA);
        double sum = 0;
        for (int n = 0; n < taps; n++) {
            double m = n - alpha;
            double r = m / alpha;
            double window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
            h[n] = cutoff * sinc(cutoff * m) * window;
            sum += h[n];
        }
        for (int n = 0; n < taps; n++) h[n] = h[n] / sum * gain;
        return h;
    }

    private static double sinc(double x) {
        if (x == 0) return 1;
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series (exact to double for |x| <= 20). */
    static double besselI0(double x) {
        double term = 1, sum = 1, q = x * x / 4;
        for (int k = 1; k < 500; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
