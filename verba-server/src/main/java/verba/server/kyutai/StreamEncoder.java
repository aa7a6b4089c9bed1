package verba.server.kyutai;

import verba.audio.OggOpusEncoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one connection's events into WebSocket binary frames for its {@link OutputFormat}. Returns null where the
 * format has no frame for an event (words and errors in the raw formats). Not thread-safe: it belongs to one writer.
 */
final class StreamEncoder {

    private final OutputFormat format;
    private final OggOpusEncoder ogg;

    StreamEncoder(OutputFormat format) {
        this.format = format;
        this.ogg = format.ogg() ? new OggOpusEncoder() : null;
    }

    /** What is sent right after a slot was found: {@code Ready} (msgpack formats), then the Ogg header. */
    List<byte[]> start() {
        List<byte[]> frames = new ArrayList<>(2);
        if (format.messagePack()) frames.add(KyutaiMessages.ready());
        if (ogg != null) frames.add(wrapOgg(ogg.header()));
        return frames;
    }

    /** One 80 ms frame of audio; null when the Ogg encoder produced no page for it. */
    byte[] audio(float[] frame) {
        return switch (format) {
            case PcmMessagePack -> KyutaiMessages.audio(frame);
            case Pcm -> floatLe(frame);
            case OggOpus, OggOpusMessagePack -> {
                byte[] page = ogg.encode(frame);
                yield page.length == 0 ? null : wrapOgg(page);
            }
        };
    }

    byte[] word(String text, double startSeconds, double stopSeconds) {
        return format.messagePack() ? KyutaiMessages.text(text, startSeconds, stopSeconds) : null;
    }

    /** The end of the Ogg stream (the last page); null for PCM formats. */
    byte[] finish() {
        if (ogg == null) return null;
        byte[] last = ogg.finish();
        return last.length == 0 ? null : wrapOgg(last);
    }

    byte[] error(String message) {
        return format.messagePack() ? KyutaiMessages.error(message) : null;
    }

    private byte[] wrapOgg(byte[] bytes) {
        return format.messagePack() ? KyutaiMessages.oggOpus(bytes) : bytes;
    }

    private static byte[] floatLe(float[] frame) {
        ByteBuffer b = ByteBuffer.allocate(frame.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : frame) b.putFloat(v);
        return b.array();
    }
}
