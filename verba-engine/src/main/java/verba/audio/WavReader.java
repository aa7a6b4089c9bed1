package verba.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads RIFF/WAVE (and RF64) files to mono float: integer PCM of 8, 16, 24 or 32 bits and IEEE float of 32 or 64
 * bits, plain or WAVE_FORMAT_EXTENSIBLE, any rate and channel count (channels are averaged). Chunks other than
 * {@code fmt } and {@code data} are skipped. Integer samples are scaled by 1 / 2^(bits-1), as scipy and Pocket TTS
 * read them.
 */
public final class WavReader {

    private static final int FORMAT_PCM = 0x0001;
    private static final int FORMAT_FLOAT = 0x0003;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;

    /**
     * Writers that stream to a pipe (espeak-ng: 0x7ffff000 for data, 0x7ffff024 for RIFF; moshi-server and others:
     * 0xFFFFFFFF) cannot know the length up front; a declared data size at or above this means "until the end".
     */
    private static final long PLACEHOLDER_SIZE = 0x7ffff000L;

    private WavReader() {
    }

    public static Audio read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        try {
            return read(bytes);
        } catch (AudioFormatException e) {
            throw new AudioFormatException(path + ": " + e.getMessage());
        }
    }

    public static Audio read(byte[] wav) throws AudioFormatException {
        ByteBuffer buf = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        // RF64 (64-bit WAV) has the same layout; its data size is 0xFFFFFFFF here, which reads to the end.
        if (wav.length < 12 || !(tag(wav, 0, "RIFF") || tag(wav, 0, "RF64")) || !tag(wav, 8, "WAVE")) {
            throw new AudioFormatException("not a WAV file (no RIFF/WAVE header)");
        }
        Format format = null;
        int pos = 12;
        while (pos + 8 <= wav.length) {
            String id = new String(wav, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = buf.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            long present = wav.length - body;
            if (id.equals("data")) {
                if (format == null) throw new AudioFormatException("WAV data chunk comes before its fmt chunk");
                if (size > present) {
                    if (size < PLACEHOLDER_SIZE) {
                        throw new AudioFormatException("truncated WAV: the data chunk declares " + size
                                + " bytes but only " + present + " are present");
                    }
                    size = present;
                }
                return decode(format, wav, body, (int) size);
            }
            if (size > present) {
                throw new AudioFormatException("truncated WAV: the '" + id.strip() + "' chunk declares " + size
                        + " bytes but only " + present + " are present");
            }
            if (id.equals("fmt ")) format = parseFormat(buf, body, (int) size);
            pos = Math.toIntExact(body + size + (size & 1)); // chunks are padded to an even length
        }
        if (format == null) throw new AudioFormatException("truncated WAV: no fmt chunk");
        throw new AudioFormatException("truncated WAV: no data chunk");
    }

    private record Format(int encoding, int channels, int sampleRate, int blockAlign, int bits) {
    }

    private static Format parseFormat(ByteBuffer buf, int at, int size) throws AudioFormatException {
        if (size < 16) throw new AudioFormatException("truncated WAV: fmt chunk of " + size + " bytes");
        int encoding = buf.getShort(at) & 0xFFFF;
        int channels = buf.getShort(at + 2) & 0xFFFF;
        long sampleRate = buf.getInt(at + 4) & 0xFFFFFFFFL;
        int blockAlign = buf.getShort(at + 12) & 0xFFFF;
        int bits = buf.getShort(at + 14) & 0xFFFF;
        if (encoding == FORMAT_EXTENSIBLE) {
            if (size < 40) throw new AudioFormatException("truncated WAV: extensible fmt chunk of " + size + " bytes");
            encoding = buf.getShort(at + 24) & 0xFFFF; // first two bytes of the SubFormat GUID are the format tag
        }
        if (encoding != FORMAT_PCM && encoding != FORMAT_FLOAT) {
            throw new AudioFormatException("unsupported WAV encoding: " + encodingName(encoding)
                    + " (supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit)");
        }
        boolean bitsOk = encoding == FORMAT_PCM ? bits == 8 || bits == 16 || bits == 24 || bits == 32
                : bits == 32 || bits == 64;
        if (!bitsOk) {
            throw new AudioFormatException("unsupported WAV encoding: " + bits + "-bit "
                    + (encoding == FORMAT_PCM ? "PCM" : "float"));
        }
        if (channels == 0) throw new AudioFormatException("invalid WAV: 0 channels");
        if (sampleRate == 0 || sampleRate > Integer.MAX_VALUE) {
            throw new AudioFormatException("invalid WAV: sample rate " + sampleRate);
        }
        if (blockAlign < channels * bits / 8) {
            throw new AudioFormatException("invalid WAV: block align " + blockAlign + " for " + channels
                    + " channels of " + bits + " bits");
        }
        return new Format(encoding, channels, (int) sampleRate, blockAlign, bits);
    }

    private static String encodingName(int tag) {
        return switch (tag) {
            case 0x0002 -> "MS ADPCM";
            case 0x0006 -> "A-law";
            case 0x0007 -> "mu-law";
            case 0x0011 -> "IMA ADPCM";
            case 0x0055 -> "MP3";
            default -> String.format("format tag 0x%04X", tag);
        };
    }

    private static Audio decode(Format f, byte[] wav, int at, int size) {
        ByteBuffer buf = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int frames = size / f.blockAlign; // a trailing partial frame (a cut stream) is dropped
        int bytesPerSample = f.bits / 8;
        float[] out = new float[frames];
        for (int i = 0; i < frames; i++) {
            int frameAt = at + i * f.blockAlign;
            double sum = 0;
            for (int c = 0; c < f.channels; c++) sum += sample(f, buf, frameAt + c * bytesPerSample);
            out[i] = (float) (sum / f.channels);
        }
        return new Audio(out, f.sampleRate);
    }

    private static double sample(Format f, ByteBuffer buf, int at) {
        if (f.encoding == FORMAT_FLOAT) return f.bits == 32 ? buf.getFloat(at) : buf.getDouble(at);
        return switch (f.bits) {
            case 8 -> ((buf.get(at) & 0xFF) - 128) / 128.0;
            case 16 -> buf.getShort(at) / 32768.0;
            case 24 -> ((buf.get(at + 2) << 16) | ((buf.get(at + 1) & 0xFF) << 8) | (buf.get(at) & 0xFF)) / 8388608.0;
            default -> buf.getInt(at) / 2147483648.0;
        };
    }

    private static boolean tag(byte[] b, int at, String tag) {
        for (int i = 0; i < 4; i++) if (b[at + i] != tag.charAt(i)) return false;
        return true;
    }
}
