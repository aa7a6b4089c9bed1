package verba.server.kyutai;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The msgpack messages of the Kyutai TTS protocol, byte-compatible with moshi-server: maps with string keys and the
 * {@code type} key first, float32 PCM, Ogg data as an array of integers (rmp-serde's default for {@code Vec<u8>}).
 */
public final class KyutaiMessages {

    /** What a client may send. */
    public sealed interface ClientMessage permits Text, Eos, Voice {
    }

    public record Text(String text) implements ClientMessage {
    }

    public record Eos() implements ClientMessage {
    }

    /** A custom voice embedding (the output of moshi's {@code /api/voice}): flat floats and their shape. */
    public record Voice(int floats, int[] shape) implements ClientMessage {
    }

    /** A client message that cannot be understood; the message is a sentence for the client. */
    public static final class ProtocolException extends Exception {
        public ProtocolException(String message) {
            super(message);
        }
    }

    private KyutaiMessages() {
    }

    /** Decodes one binary frame (not the single {@code 0x00} Eos byte, which the caller handles). */
    public static ClientMessage parse(byte[] data, int offset, int length) throws ProtocolException {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(data, offset, length)) {
            if (!in.hasNext() || in.getNextFormat().getValueType() != ValueType.MAP) {
                throw new ProtocolException("expected a msgpack map with a \"type\" key");
            }
            int entries = in.unpackMapHeader();
            String type = null;
            String text = null;
            int floats = -1;
            int[] shape = null;
            for (int i = 0; i < entries; i++) {
                if (in.getNextFormat().getValueType() != ValueType.STRING) {
                    throw new ProtocolException("message keys must be strings");
                }
                String key = in.unpackString();
                ValueType valueType = in.getNextFormat().getValueType();
                switch (key) {
                    case "type" -> type = stringValue(in, valueType, key);
                    case "text" -> text = stringValue(in, valueType, key);
                    case "embeddings" -> floats = countFloats(in, valueType);
                    case "shape" -> shape = ints(in, valueType);
                    default -> in.skipValue();
                }
            }
            if (in.hasNext()) throw new ProtocolException("unexpected data after the message map");
            if (type == null) throw new ProtocolException("message has no \"type\" key");
            return switch (type) {
                case "Text" -> {
                    if (text == null) throw new ProtocolException("Text message has no \"text\" string");
                    yield new Text(text);
                }
                case "Eos" -> new Eos();
                case "Voice" -> {
                    if (floats < 0 || shape == null) {
                        throw new ProtocolException("Voice message needs \"embeddings\" and \"shape\"");
                    }
                    yield new Voice(floats, shape);
                }
                default -> throw new ProtocolException("unknown message type \"" + type
                        + "\", expected Text, Eos or Voice");
            };
        } catch (MessagePackException | IOException e) {
            throw new ProtocolException("malformed msgpack message (" + e.getMessage() + ")");
        }
    }

    private static String stringValue(MessageUnpacker in, ValueType type, String key) throws IOException, ProtocolException {
        if (type != ValueType.STRING) throw new ProtocolException("\"" + key + "\" must be a string");
        return in.unpackString();
    }

    private static int countFloats(MessageUnpacker in, ValueType type) throws IOException, ProtocolException {
        if (type != ValueType.ARRAY) throw new ProtocolException("\"embeddings\" must be an array of floats");
        int n = in.unpackArrayHeader();
        for (int i = 0; i < n; i++) {
            ValueType t = in.getNextFormat().getValueType();
            if (t != ValueType.FLOAT && t != ValueType.INTEGER) {
                throw new ProtocolException("\"embeddings\" must be an array of floats");
            }
            in.skipValue();
        }
        return n;
    }

    private static int[] ints(MessageUnpacker in, ValueType type) throws IOException, ProtocolException {
        if (type != ValueType.ARRAY) throw new ProtocolException("\"shape\" must be an array of integers");
        int[] values = new int[in.unpackArrayHeader()];
        for (int i = 0; i < values.length; i++) {
            if (in.getNextFormat().getValueType() != ValueType.INTEGER) {
                throw new ProtocolException("\"shape\" must be an array of integers");
            }
            values[i] = in.unpackInt();
        }
        return values;
    }

    /** A client's {@code Text} message (for clients: tests, the load tool). */
    public static byte[] clientText(String text) {
        return write(p -> {
            typed(p, "Text", 1);
            p.packString("text").packString(text);
        });
    }

    /** A client's {@code Eos} message. */
    public static byte[] clientEos() {
        return write(p -> typed(p, "Eos", 0));
    }

    public static byte[] ready() {
        return write(p -> typed(p, "Ready", 0));
    }

    public static byte[] error(String message) {
        return write(p -> {
            typed(p, "Error", 1);
            p.packString("message").packString(message);
        });
    }

    public static byte[] audio(float[] pcm) {
        return write(p -> {
            typed(p, "Audio", 1);
            p.packString("pcm").packArrayHeader(pcm.length);
            for (float v : pcm) p.packFloat(v);
        });
    }

    public static byte[] text(String text, double startSeconds, double stopSeconds) {
        return write(p -> {
            typed(p, "Text", 3);
            p.packString("text").packString(text);
            p.packString("start_s").packDouble(startSeconds);
            p.packString("stop_s").packDouble(stopSeconds);
        });
    }

    public static byte[] oggOpus(byte[] data) {
        return write(p -> {
            typed(p, "OggOpus", 1);
            p.packString("data").packArrayHeader(data.length);
            for (byte b : data) p.packInt(b & 0xff);
        });
    }

    private static void typed(MessageBufferPacker p, String type, int otherFields) throws IOException {
        p.packMapHeader(1 + otherFields).packString("type").packString(type);
    }

    private interface Body {
        void write(MessageBufferPacker p) throws IOException;
    }

    private static byte[] write(Body body) {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            body.write(p);
            return p.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an in-memory buffer does not fail
        }
    }
}
