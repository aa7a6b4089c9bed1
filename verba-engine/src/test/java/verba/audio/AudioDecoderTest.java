package verba.audio;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioDecoderTest {

    @Test
    void recognisesWavAndOggOpusByContent() throws AudioFormatException {
        float[] tone = WavTest.tone(440, 16_000, 0.25);
        Audio wav = AudioDecoder.decode(WavWriter.wav16(tone, 16_000));
        assertEquals(16_000, wav.sampleRate());
        assertEquals(tone.length, wav.samples().length);
        float[] tone24 = WavTest.tone(440, Pcm.SAMPLE_RATE, 0.25);
        Audio opus = AudioDecoder.decode(OggOpusEncoder.encodeAll(tone24));
        assertEquals(Pcm.SAMPLE_RATE, opus.sampleRate());
        assertEquals(tone24.length, opus.samples().length);
    }

    @Test
    void namesWhatItCannotDecode() {
        assertMessage("unsupported audio format: FLAC", FlacEncoder.encode(new float[10], 16_000));
        assertMessage("unsupported audio format: MP3", "ID3\u0004".getBytes(StandardCharsets.ISO_8859_1));
        assertMessage("unsupported audio format: empty input", new byte[0]);
        assertMessage("unsupported audio format: unrecognised data",
                "{\"text\":1}".getBytes(StandardCharsets.US_ASCII));
        assertMessage("not a WAV file", "RIFF0000AVI LIST".getBytes(StandardCharsets.US_ASCII));
    }

    private static void assertMessage(String start, byte[] bytes) {
        AudioFormatException e = assertThrows(AudioFormatException.class, () -> AudioDecoder.decode(bytes));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        if (start.startsWith("unsupported")) {
            assertTrue(e.getMessage().endsWith("(expected " + AudioDecoder.SUPPORTED + ")"), e.getMessage());
        }
    }
}
