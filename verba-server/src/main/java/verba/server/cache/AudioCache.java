package verba.server.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Finished audio of repeated lines, content-addressed: the key is a SHA-256 of everything that changes the bytes
 * (normalised text, voice, engine and model version, parameters, format), so it doubles as the HTTP ETag.
 * A byte-bounded LRU in memory, optionally backed by a byte-bounded directory that survives restarts.
 */
public final class AudioCache {

    private static final Logger log = LoggerFactory.getLogger(AudioCache.class);

    private final long memoryBudget;
    private final Path directory;
    private final long diskBudget;
    private final LinkedHashMap<String, byte[]> memory = new LinkedHashMap<>(64, 0.75f, true);
    private long memoryBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * @param memoryBudget bytes kept in memory (0 disables the memory tier)
     * @param directory    disk tier, or null for memory only
     * @param diskBudget   bytes kept on disk; the least recently used files go first
     */
    public AudioCache(long memoryBudget, Path directory, long diskBudget) {
        this.memoryBudget = memoryBudget;
        this.directory = directory;
        this.diskBudget = diskBudget;
        if (directory != null) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create cache directory " + directory, e);
            }
        }
    }

    /** The key (and ETag) of a rendering. Text is normalised so that spacing and Unicode forms do not matter. */
    public static String key(String text, String voiceId, String engineVersion, String parameters, String format) {
        String normalised = Normalizer.normalize(text, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ");
        String material = String.join("\u0000", normalised, voiceId, engineVersion, parameters, format);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public Optional<byte[]> get(String key) {
        byte[] value;
        synchronized (this) {
            value = memory.get(key);
        }
        if (value == null && directory != null) value = readDisk(key);
        if (value == null) {
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(value);
    }

    /** True if the key is cached, without counting a hit or a miss (for If-None-Match). */
    public boolean contains(String key) {
        synchronized (this) {
            if (memory.containsKey(key)) return true;
        }
        return directory != null && Files.exists(file(key));
    }

    public void put(String key, byte[] value) {
        remember(key, value);
        if (directory != null) writeDisk(key, value);
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public synchronized long memoryBytes() {
        return memoryBytes;
    }

    private synchronized void remember(String key, byte[] value) {
        if (value.length > memoryBudget) return;
        byte[] previous = memory.put(key, value);
        memoryBytes += value.length - (previous == null ? 0 : previous.length);
        var it = memory.entrySet().iterator();
        while (memoryBytes > memoryBudget && it.hasNext()) {
            Map.Entry<String, byte[]> eldest = it.next();
            memoryBytes -= eldest.getValue().length;
            it.remove();
        }
    }

    private Path file(String key) {
        return directory.resolve(key + ".audio");
    }

    private byte[] readDisk(String key) {
        Path file = file(key);
        try {
            byte[] value = Files.readAllBytes(file);
            // The modification time is the LRU clock of the disk tier.
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            remember(key, value);
            return value;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.warn("cache: cannot read {}: {}", file, e.getMessage());
            return null;
        }
    }

    private synchronized void writeDisk(String key, byte[] value) {
        if (value.length > diskBudget) return;
        Path file = file(key);
        try {
            Path temp = Files.createTempFile(directory, key, ".part");
            Files.write(temp, value);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            evictDisk();
        } catch (IOException e) {
            log.warn("cache: cannot write {}: {}", file, e.getMessage());
        }
    }

    private void evictDisk() throws IOException {
        record Entry(Path path, long size, long modified) {
        }
        try (Stream<Path> files = Files.list(directory)) {
            var entries = files.filter(p -> p.getFileName().toString().endsWith(".audio")).map(p -> {
                try {
                    return new Entry(p, Files.size(p), Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    return new Entry(p, 0, 0);
                }
            }).sorted((a, b) -> Long.compare(a.modified, b.modified)).toList();
            long total = entries.stream().mapToLong(Entry::size).sum();
            for (Entry e : entries) {
                if (total <= diskBudget) break;
                Files.deleteIfExists(e.path);
                total -= e.size;
            }
        }
    }
}
