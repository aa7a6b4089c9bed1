package verba.audio;

import java.io.IOException;

/** Audio bytes that cannot be decoded: not the claimed format, an unsupported encoding, or cut short. */
public class AudioFormatException extends IOException {

    public AudioFormatException(String message) {
        super(message);
    }
}
