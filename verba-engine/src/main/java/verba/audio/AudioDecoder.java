package verba.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Decodes uploaded or configured audio by its content, whatever its file name says: WAV or Ogg Opus. */
public final class AudioDecoder {

    public static final String SUPPORTED = "WAV (PCM 8/16/24/32-bit or float) or Ogg Opus";

    private AudioDecoder() {
    }

    public static Audio decode(byte[] bytes) throws AudioFormatException {
        if (startsWith(bytes, "RIFF") || startsWith(bytes, "RF64")) return WavReader.read(bytes);
        if (startsWith(bytes, "OggS")) return OggOpusDecoder.decode(bytes);
        boolean mpegSync = bytes.length > 1 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xE0) == 0xE0;
        String kind = startsWith(bytes, "fLaC") ? "FLAC"
                : startsWith(bytes, "ID3") || mpegSync ? "MP3"
                : bytes.length == 0 ? "empty input" : "unrecognised data";
        throw new AudioFormatException("unsupported audio format: " + kind + " (expected " + SUPPORTED + ")");
    }

    public static Audio decode(Path path) throws IOException {
        try {
            return decode(Files.readAllBytes(path));
        } catch (AudioFormatException e) {
            throw new AudioFormatException(path + ": " + e.getMessage());
        }
    }

    private static boolean startsWith(byte[] bytes, String magic) {
        if (bytes.length < magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (bytes[i] != magic.charAt(i)) return false;
        return true;
    }
}
