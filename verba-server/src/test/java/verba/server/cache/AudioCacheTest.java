package verba.server.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AudioCacheTest {

    @Test
    void keyIgnoresSpacingButNotVoiceFormatOrParameters() {
        String k = AudioCache.key("Hello  world ", "mary/slt", "mary-5.2.1", "speed=1.0", "wav");
        assertEquals(k, AudioCache.key(" Hello world", "mary/slt", "mary-5.2.1", "speed=1.0", "wav"));
        assertNotEquals(k, AudioCache.key("Hello world", "espeak/en", "mary-5.2.1", "speed=1.0", "wav"));
        assertNotEquals(k, AudioCache.key("Hello world", "mary/slt", "mary-5.2.1", "speed=1.5", "wav"));
        assertNotEquals(k, AudioCache.key("Hello world", "mary/slt", "mary-5.2.1", "speed=1.0", "flac"));
        assertNotEquals(k, AudioCache.key("Hello world", "mary/slt", "mary-5.2.2", "speed=1.0", "wav"));
        assertEquals(64, k.length());
    }

    @Test
    void memoryTierEvictsLeastRecentlyUsedWithinBudget() {
        AudioCache cache = new AudioCache(250, null, 0);
        cache.put("a", new byte[100]);
        cache.put("b", new byte[100]);
        assertTrue(cache.get("a").isPresent()); // a is now the most recent
        cache.put("c", new byte[100]);           // evicts b
        assertTrue(cache.get("a").isPresent());
        assertTrue(cache.get("b").isEmpty());
        assertTrue(cache.get("c").isPresent());
        assertTrue(cache.memoryBytes() <= 250);
        assertEquals(3, cache.hits());
        assertEquals(1, cache.misses());
    }

    @Test
    void diskTierSurvivesANewInstanceAndStaysWithinBudget(@TempDir Path dir) throws Exception {
        AudioCache first = new AudioCache(1 << 20, dir, 250);
        first.put("a", new byte[]{1, 2, 3});
        AudioCache second = new AudioCache(1 << 20, dir, 250);
        assertArrayEquals(new byte[]{1, 2, 3}, second.get("a").orElseThrow());

        second.put("b", new byte[200]);
        Files.setLastModifiedTime(dir.resolve("b.audio"), java.nio.file.attribute.FileTime.fromMillis(1));
        second.put("c", new byte[100]); // over budget: the oldest file (b) goes
        assertFalse(Files.exists(dir.resolve("b.audio")));
        assertTrue(Files.exists(dir.resolve("c.audio")));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")), "no half-written file remains");
        }
    }

    @Test
    void oversizedValuesAreNotKept() {
        AudioCache cache = new AudioCache(10, null, 0);
        cache.put("big", new byte[11]);
        assertTrue(cache.get("big").isEmpty());
    }
}
