package verba.server.kyutai;

import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
import verba.audio.Pcm;
import verba.server.kyutai.KyutaiMessages.ProtocolException;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Byte-level compatibility with moshi-server's rmp-serde messages, and client message parsing. */
class KyutaiMessagesTest {

    static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    @Test
    void readyAndEosAreMoshisExactBytes() {
        assertEquals("81 a4 74 79 70 65 a5 52 65 61 64 79", hex(KyutaiMessages.ready()));
        assertEquals("81 a4 74 79 70 65 a3 45 6f 73", hex(KyutaiMessages.clientEos()));
    }

    @Test
    void audioIsAnArrayOfFloat32WithTypeFirst() {
        byte[] audio = KyutaiMessages.audio(new float[Pcm.FRAME_SAMPLES]);
        assertTrue(hex(audio).startsWith("82 a4 74 79 70 65 a5 41 75 64 69 6f a3 70 63 6d dc 07 80 ca"), hex(audio).substring(0, 80));
        assertEquals(20 + Pcm.FRAME_SAMPLES * 5 - 1, audio.length);
    }

    @Test
    void oggDataIsAnArrayOfIntegersNotBin() {
        assertEquals("82 a4 74 79 70 65 a7 4f 67 67 4f 70 75 73 a4 64 61 74 61 93 00 7f cc ff",
                hex(KyutaiMessages.oggOpus(new byte[]{0, 127, (byte) 255})));
    }

    @Test
    void parsesClientMessagesIgnoringExtraKeys() throws Exception {
        var p = MessagePack.newDefaultBufferPacker();
        p.packMapHeader(3).packString("text").packString("Bonjour").packString("extra").packArrayHeader(1).packNil()
                .packString("type").packString("Text");
        assertEquals(new KyutaiMessages.Text("Bonjour"), parse(p.toByteArray()));
        assertInstanceOf(KyutaiMessages.Eos.class, parse(KyutaiMessages.clientEos()));

        var v = MessagePack.newDefaultBufferPacker();
        v.packMapHeader(3).packString("type").packString("Voice").packString("embeddings").packArrayHeader(2)
                .packDouble(0.5).packFloat(1f).packString("shape").packArrayHeader(2).packInt(1).packInt(2);
        KyutaiMessages.Voice voice = (KyutaiMessages.Voice) parse(v.toByteArray());
        assertEquals(2, voice.floats());
        assertArrayEquals(new int[]{1, 2}, voice.shape());
    }

    @Test
    void rejectsWhatIsNotAClientMessage() throws Exception {
        var unknown = MessagePack.newDefaultBufferPacker();
        unknown.packMapHeader(1).packString("type").packString("Marker");
        var noText = MessagePack.newDefaultBufferPacker();
        noText.packMapHeader(1).packString("type").packString("Text");
        for (byte[] bad : List.of(unknown.toByteArray(), noText.toByteArray(), new byte[]{(byte) 0xc1},
                new byte[]{(byte) 0x81, (byte) 0xa4}, new byte[]{(byte) 0x91, 1}, new byte[0],
                KyutaiMessages.ready().clone(), concat(KyutaiMessages.clientEos(), new byte[]{1}))) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> parse(bad), hex(bad));
            assertFalse(e.getMessage().isBlank());
        }
    }

    static KyutaiMessages.ClientMessage parse(byte[] b) throws ProtocolException {
        return KyutaiMessages.parse(b, 0, b.length);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
