package verba.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import verba.server.config.ConfigLoader.Setting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path toml(String text) throws IOException {
        Path file = dir.resolve("verba.toml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsMatchTheMonicaServer() {
        ServerConfig c = ConfigLoader.load(null, Map.of(), Map.of()).config();
        assertEquals("0.0.0.0", c.host());
        assertEquals(8080, c.port());
        assertEquals("info", c.logLevel());
        assertEquals(500, c.maxTextLength());
        assertEquals(120.0, c.referenceDurationS());
        assertEquals(Path.of("26-monica--interview.wav"), c.referenceAudio());
        assertFalse(c.referenceExplicit());
        assertTrue(c.authorizedIds().isEmpty());
        assertEquals(List.of("mary", "espeak"), c.engines());
        assertNull(c.staticDir());
    }

    @Test
    void theExampleFileIsTheDefaults() {
        Path example = Path.of("..", "docs", "verba.example.toml"); // surefire runs in the module folder
        ConfigLoader.Result fromFile = ConfigLoader.load(example, Map.of(), Map.of());
        assertEquals(List.of(), fromFile.warnings());
        ServerConfig defaults = ConfigLoader.load(null, Map.of(), Map.of()).config();
        ServerConfig c = fromFile.config();
        assertEquals(defaults, new ServerConfig(c.host(), c.port(), c.logLevel(), c.authorizedIds(), c.batchSize(),
                c.staticDir(), c.defaultVoice(), c.voicesDir(), c.referenceAudio(), false, c.referenceDurationS(),
                c.maxTextLength(), c.maxRequestBytes(), c.engines(), c.hfHome(), c.pocketModel(), c.pocketVoicesDir(),
                c.pocketBf16(), c.threads()));
    }

    @Test
    void flagBeatsEnvBeatsFileBeatsDefault() throws IOException {
        Path file = toml("port = 7000\nhost = \"127.0.0.1\"\nmax_text_length = 100\nbatch_size = 3\n");
        Map<String, String> env = Map.of("PORT", "7100", "MAX_TEXT_LENGTH", "200");
        ConfigLoader.Result r = ConfigLoader.load(file, env, Map.of("port", "7200"));
        assertEquals(7200, r.config().port());
        assertEquals("flag", r.values().get(Setting.PORT).origin());
        assertEquals(200, r.config().maxTextLength());
        assertEquals("env MAX_TEXT_LENGTH", r.values().get(Setting.MAX_TEXT_LENGTH).origin());
        assertEquals("127.0.0.1", r.config().host());
        assertEquals("file " + file, r.values().get(Setting.HOST).origin());
        assertEquals(3, r.config().batchSize());
        assertEquals("default", r.values().get(Setting.LOG_LEVEL).origin());
    }

    @Test
    void verbaEnvNamesBeatMonicaNames() {
        ConfigLoader.Result r = ConfigLoader.load(null, Map.of("PORT", "7100", "VERBA_PORT", "7300"), Map.of());
        assertEquals(7300, r.config().port());
        assertEquals("env VERBA_PORT", r.values().get(Setting.PORT).origin());
    }

    @Test
    void apiKeysComeFromTheDeploymentVariable() {
        ConfigLoader.Result r = ConfigLoader.load(null, Map.of("VERBA_API_KEYS", "k1, k2"), Map.of());
        assertEquals(Set.of("k1", "k2"), r.config().authorizedIds());
        assertEquals("env VERBA_API_KEYS", r.values().get(Setting.AUTHORIZED_IDS).origin());
    }

    @Test
    void readsMoshiServerLayout() throws IOException {
        Path file = toml("""
                static_dir = "./static/"
                log_dir = "$HOME/tmp/tts-logs"
                instance_name = "tts"
                authorized_ids = ["public_token", "other"]

                [modules.tts_py]
                type = "Py"
                path = "/api/tts_streaming"
                text_tokenizer_file = "hf://kyutai/tts-1.6b-en_fr/tokenizer_spm_8k_en_fr_audio.model"
                batch_size = 16
                text_bos_token = 1

                [modules.tts_py.py]
                voice_folder = "hf-snapshot://kyutai/tts-voices/**/*.safetensors"
                default_voice = "unmute-prod-website/default_voice.wav"
                cfg_coef = 2.0
                """);
        ConfigLoader.Result r = ConfigLoader.load(file, Map.of(), Map.of());
        assertEquals(16, r.config().batchSize());
        assertEquals(Set.of("public_token", "other"), r.config().authorizedIds());
        assertEquals("unmute-prod-website/default_voice.wav", r.config().defaultVoice());
        assertEquals(Path.of("./static/"), r.config().staticDir());
        assertEquals(List.of(), r.warnings());
        assertTrue(r.values().get(Setting.BATCH_SIZE).origin().endsWith("[modules.tts_py]"));
    }

    @Test
    void topLevelBatchSizeWinsOverModule() throws IOException {
        Path file = toml("batch_size = 2\n[modules.tts_py]\nbatch_size = 16\n");
        assertEquals(2, ConfigLoader.load(file, Map.of(), Map.of()).config().batchSize());
    }

    @Test
    void unknownKeysAreWarnings() throws IOException {
        Path file = toml("prot = 9000\n[modules.tts_py]\nbatchsize = 4\n");
        ConfigLoader.Result r = ConfigLoader.load(file, Map.of(), Map.of());
        assertEquals(2, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("'batchsize'"), r.warnings().toString());
        assertTrue(r.warnings().get(1).contains("'prot'"), r.warnings().toString());
        assertEquals(8080, r.config().port());
    }

    @Test
    void badValuesNameTheSettingAndTheirSource() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Map.of("PORT", "eighty"), Map.of()));
        assertEquals("port must be a whole number from 0 to 65535, got 'eighty' (from env PORT)", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of("port", "70000")));
        assertTrue(e.getMessage().contains("70000") && e.getMessage().contains("flag"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("LOG_LEVEL", "loud"), Map.of()));
        assertTrue(e.getMessage().startsWith("log_level must be one of"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of("batch_size", "0")));
        assertTrue(e.getMessage().startsWith("batch_size must be a whole number from 1"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of("colour", "red")));
        assertTrue(e.getMessage().startsWith("unknown setting 'colour'"), e.getMessage());
    }

    @Test
    void warningIsAcceptedAsMonicaSpellsIt() {
        assertEquals("warning", ConfigLoader.load(null, Map.of("LOG_LEVEL", "WARNING"), Map.of()).config().logLevel());
        assertEquals("warning", ConfigLoader.load(null, Map.of("LOG_LEVEL", "warn"), Map.of()).config().logLevel());
    }

    @Test
    void unreadableFilesAreOneSentence() throws IOException {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.toml"), Map.of(), Map.of()));
        assertEquals("config file " + dir.resolve("nope.toml") + " does not exist", missing.getMessage());
        Path broken = toml("port = = 3\n");
        ConfigException invalid = assertThrows(ConfigException.class, () -> ConfigLoader.load(broken, Map.of(), Map.of()));
        assertTrue(invalid.getMessage().startsWith("config file " + broken + " is not valid TOML"), invalid.getMessage());
        Path table = toml("port = { a = 1 }\n");
        ConfigException notValue = assertThrows(ConfigException.class, () -> ConfigLoader.load(table, Map.of(), Map.of()));
        assertTrue(notValue.getMessage().startsWith("port in file"), notValue.getMessage());
    }

    @Test
    void describeShowsValuesOriginsAndMasksKeys() throws IOException {
        Path file = toml("authorized_ids = [\"supersecret\"]\nbatch_size = 4\n");
        String text = ConfigLoader.load(file, Map.of("HOST", "127.0.0.1"), Map.of("port", "9001")).describe();
        assertTrue(text.contains("port = 9001"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("port = 9001") && l.endsWith("# flag")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("host = \"127.0.0.1\"") && l.endsWith("# env HOST")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("batch_size = 4") && l.endsWith("# file " + file)), text);
        assertTrue(text.contains("authorized_ids = [\"su****et\"]"), text);
        assertFalse(text.contains("supersecret"), text);
    }
}
