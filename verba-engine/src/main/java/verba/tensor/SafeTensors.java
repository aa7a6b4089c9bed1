package verba.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file, memory-mapped once; each tensor is a {@link Weight} slice of the mapping.
 * Format: u64 little-endian header length N, N bytes of JSON ({@code name -> {dtype, shape, data_offsets}} and an
 * optional {@code __metadata__} string map), then the data.
 */
public final class SafeTensors implements AutoCloseable {

    /** Headers of real checkpoints are a few hundred KB; anything near this bound is not a safetensors file. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final Arena arena;
    private final Map<String, Weight> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, Arena arena, Map<String, Weight> tensors, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafeTensors open(Path path) throws IOException {
        // A shared arena: kernels read weights from ForkJoin workers, which a confined arena would reject.
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) throw new IOException(path + ": not a safetensors file (" + size + " bytes)");
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new IOException(path + ": not a safetensors file (header length " + headerLength + ")");
            }
            byte[] headerBytes = file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            JsonNode header = new ObjectMapper().readTree(new String(headerBytes, StandardCharsets.UTF_8));
            MemorySegment data = file.asSlice(8 + headerLength);
            Map<String, Weight> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), data));
            }
            return new SafeTensors(path, arena, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            arena.close();
            if (e instanceof IOException io) throw io;
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private static Weight parseEntry(Path path, String name, JsonNode entry, MemorySegment data) throws IOException {
        DType dtype = DType.fromSafetensors(entry.path("dtype").asText());
        JsonNode shapeNode = entry.path("shape");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asInt();
        JsonNode offsets = entry.path("data_offsets");
        long begin = offsets.path(0).asLong(-1), end = offsets.path(1).asLong(-1);
        if (begin < 0 || end < begin || end > data.byteSize()) {
            throw new IOException(path + ": tensor " + name + " has data offsets [" + begin + ", " + end
                    + "] outside the " + data.byteSize() + "-byte data section");
        }
        return new Weight(name, dtype, shape, data.asSlice(begin, end - begin));
    }

    public Path path() {
        return path;
    }

    /** All tensors by name, in file order. */
    public Map<String, Weight> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    public Weight get(String name) {
        Weight w = tensors.get(name);
        if (w == null) throw new IllegalArgumentException(path + " has no tensor " + name);
        return w;
    }

    @Override
    public void close() {
        arena.close();
    }
}
