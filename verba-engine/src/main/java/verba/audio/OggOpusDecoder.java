package verba.audio;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes a whole Ogg Opus file (RFC 7845), mono or stereo, to 24 kHz mono, honouring pre-skip, end trimming and
 * output gain.
 */
public final class OggOpusDecoder {

    /** The longest Opus packet: 120 ms, at 24 kHz. */
    private static final int MAX_PACKET_SAMPLES = Pcm.SAMPLE_RATE * 120 / 1000;
    private static final int GRANULE_PER_SAMPLE = 48_000 / Pcm.SAMPLE_RATE;

    private OggOpusDecoder() {
    }

    public static Audio decode(byte[] ogg) throws AudioFormatException {
        List<OggPacketReader.Packet> packets = OggPacketReader.packets(ogg);
        if (packets.size() < 2) throw new AudioFormatException("truncated Ogg Opus: no OpusHead and OpusTags packets");
        byte[] head = packets.get(0).data();
        if (head.length < 19 || !new String(head, 0, 8, StandardCharsets.US_ASCII).equals("OpusHead")) {
            throw new AudioFormatException("not an Ogg Opus file (no OpusHead)");
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int channels = head[9] & 0xFF;
        int preSkip = h.getShort(10) & 0xFFFF;
        float gain = (float) Math.pow(10, h.getShort(16) / (20.0 * 256)); // output gain, Q7.8 dB
        if ((head[8] & 0xF0) != 0) throw new AudioFormatException("unsupported Ogg Opus version " + head[8]);
        if (channels < 1 || channels > 2 || head[18] != 0) {
            throw new AudioFormatException("unsupported Ogg Opus channel layout (" + channels
                    + " channels, mapping family " + head[18] + "); mono and stereo are supported");
        }
        byte[] tags = packets.get(1).data();
        if (tags.length < 8 || !new String(tags, 0, 8, StandardCharsets.US_ASCII).equals("OpusTags")) {
            throw new AudioFormatException("not an Ogg Opus file (no OpusTags)");
        }

        OpusDecoder opus;
        try {
            opus = new OpusDecoder(Pcm.SAMPLE_RATE, 1); // stereo streams are mixed down by the decoder itself
        } catch (OpusException e) {
            throw new IllegalStateException("Opus decoder rejected 24 kHz mono: " + e.getMessage(), e);
        }
        float[] out = new float[Pcm.SAMPLE_RATE];
        short[] frame = new short[MAX_PACKET_SAMPLES];
        int length = 0;
        for (int i = 2; i < packets.size(); i++) {
            byte[] packet = packets.get(i).data();
            int n;
            try {
                n = opus.decode(packet, 0, packet.length, frame, 0, MAX_PACKET_SAMPLES, false);
            } catch (OpusException e) {
                throw new AudioFormatException("corrupt Opus packet " + (i - 2) + ": " + e.getMessage());
            }
            if (length + n > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, length + n));
            for (int k = 0; k < n; k++) out[length + k] = frame[k] * gain / 32768f;
            length += n;
        }
        int skip = Math.min(length, preSkip / GRANULE_PER_SAMPLE);
        int end = length;
        OggPacketReader.Packet last = packets.getLast();
        if (last.lastPage() && packets.size() > 2) {
            // End trimming: the final granule position says how many samples the stream really holds.
            long total = last.pageGranule() / GRANULE_PER_SAMPLE;
            if (total < skip) throw new AudioFormatException("invalid Ogg Opus: final granule before pre-skip");
            end = (int) Math.min(length, total);
        }
        return new Audio(Arrays.copyOfRange(out, skip, Math.max(skip, end)), Pcm.SAMPLE_RATE);
    }
}
