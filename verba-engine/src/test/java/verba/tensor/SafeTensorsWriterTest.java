package verba.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SafeTensorsWriterTest {

    private static final Path FIXTURES = Path.of(System.getProperty("verba.shared", "../shared"), "fixtures", "pocket-tts");

    @Test
    void roundTripsFloatAndLongTensorsWithMetadata(@TempDir Path dir) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        float[] latents = {1.5f, -2f, Float.MIN_VALUE, Float.NaN, 3e38f, 0f};
        tensors.put("latents", TensorData.f32(latents, 3, 2));
        tensors.put("eos", TensorData.i64(new long[]{0, 1, Long.MIN_VALUE}, 3));
        tensors.put("layer.0/offset", TensorData.i64(new long[]{7}, 1));
        tensors.put("empty", TensorData.f32(new float[0], 0, 4));
        Path file = dir.resolve("out").resolve("replay.safetensors");
        SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));

        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header padded to 8 bytes");
        assertEquals(List.of("replay.safetensors"), listNames(file.getParent()), "no temporary file left");

        try (SafeTensors read = SafeTensors.open(file)) {
            assertEquals(List.of("latents", "eos", "layer.0/offset", "empty"), List.copyOf(read.tensors().keySet()));
            assertEquals("pt", read.metadata().get("format"));
            Weight w = read.get("latents");
            assertEquals(DType.F32, w.dtype());
            assertArrayEquals(new int[]{3, 2}, w.shape());
            assertArrayEquals(latents, w.toFloats());
            assertArrayEquals(new long[]{0, 1, Long.MIN_VALUE}, read.get("eos").toLongs());
            assertArrayEquals(new long[]{7}, read.get("layer.0/offset").toLongs());
            assertEquals(0, read.get("empty").size());
        }
    }

    @Test
    void rewritesTheOfficialVoiceStateFormatIdentically(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("voice.safetensors");
        try (SafeTensors voice = SafeTensors.open(FIXTURES.resolve("tiny").resolve("voice.safetensors"))) {
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            voice.tensors().forEach((k, w) -> tensors.put(k, w.dtype() == DType.I64
                    ? TensorData.i64(w.toLongs(), w.shape()) : TensorData.f32(w.toFloats(), w.shape())));
            SafeTensorsWriter.write(copy, tensors, voice.metadata());
            try (SafeTensors again = SafeTensors.open(copy)) {
                assertEquals(voice.tensors().keySet(), again.tensors().keySet());
                for (Weight w : voice.tensors().values()) {
                    Weight v = again.get(w.name());
                    assertEquals(w.dtype(), v.dtype(), w.name());
                    assertArrayEquals(w.shape(), v.shape(), w.name());
                    assertEquals(w.data().mismatch(v.data()), -1, w.name() + " bytes equal");
                }
            }
        }
    }

    @Test
    void rejectsInconsistentTensors() {
        assertThrows(IllegalArgumentException.class, () -> TensorData.f32(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new TensorData(DType.BF16, new int[]{1}, new float[1], null));
        assertThrows(IllegalArgumentException.class, () -> new TensorData(DType.I64, new int[]{1}, new float[1], null));
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
