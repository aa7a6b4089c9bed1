package verba.server.kyutai;

import org.junit.jupiter.api.Test;
import verba.audio.Pcm;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FrameBufferTest {

    @Test
    void cutsChunksOfAnyLengthIntoExactFramesAndPadsTheLast() {
        FrameBuffer buffer = new FrameBuffer();
        List<float[]> frames = new ArrayList<>();
        int total = 0;
        for (int length : new int[]{1000, 5000, 1, 0, 2759}) {
            float[] chunk = new float[length];
            for (int i = 0; i < length; i++) chunk[i] = total + i + 1;
            total += length;
            frames.addAll(buffer.add(chunk));
        }
        assertEquals(total / Pcm.FRAME_SAMPLES, frames.size());
        float[] last = buffer.flush();
        assertNotNull(last);
        frames.add(last);
        assertNull(buffer.flush());
        int n = 0;
        for (float[] frame : frames) {
            assertEquals(Pcm.FRAME_SAMPLES, frame.length);
            for (float v : frame) {
                n++;
                assertEquals(n <= total ? n : 0f, v, "sample " + n);
            }
        }
    }
}
