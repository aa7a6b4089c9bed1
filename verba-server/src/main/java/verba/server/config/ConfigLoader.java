package verba.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link ServerConfig} from four sources, the first that sets a value winning:
 * <ol>
 *   <li>command-line flags ({@code --port}, {@code --host}, {@code --log-level}, {@code --set key=value});</li>
 *   <li>environment: {@code VERBA_<KEY>} (e.g. {@code VERBA_BATCH_SIZE}), then the Monica names ({@code PORT},
 *       {@code HOST}, {@code LOG_LEVEL}, {@code REFERENCE_AUDIO}, {@code REFERENCE_DURATION_S},
 *       {@code MAX_TEXT_LENGTH}, {@code HF_HOME}) and {@code VERBA_API_KEYS} (comma-separated
 *       {@code authorized_ids});</li>
 *   <li>the TOML file: top-level keys, and moshi-server's layout ({@code batch_size} in {@code [modules.<name>]},
 *       {@code default_voice} and {@code voice_folder} in {@code [modules.<name>.py]}); a top-level key wins over
 *       the module one;</li>
 *   <li>defaults.</li>
 * </ol>
 * Unknown keys give a warning; a bad value or an unreadable file is a {@link ConfigException} naming its source.
 */
public final class ConfigLoader {

    /**
     * Every setting: its TOML key (also the {@code --set} key), its default, and the environment names that set it
     * besides {@code VERBA_<KEY>} (which wins over them): Monica's names, and {@code VERBA_API_KEYS}.
     */
    public enum Setting {
        HOST("host", "0.0.0.0", "HOST"),
        PORT("port", "8080", "PORT"),
        LOG_LEVEL("log_level", "info", "LOG_LEVEL"),
        AUTHORIZED_IDS("authorized_ids", "", "VERBA_API_KEYS"),
        BATCH_SIZE("batch_size", "8"),
        STATIC_DIR("static_dir", ""),
        DEFAULT_VOICE("default_voice", ""),
        VOICES_DIR("voices_dir", "voices"),
        REFERENCE_AUDIO("reference_audio", "26-monica--interview.wav", "REFERENCE_AUDIO"),
        REFERENCE_DURATION_S("reference_duration_s", "120", "REFERENCE_DURATION_S"),
        MAX_TEXT_LENGTH("max_text_length", "500", "MAX_TEXT_LENGTH"),
        MAX_REQUEST_BYTES("max_request_bytes", String.valueOf(16 << 20)),
        ENGINES("engines", "mary,espeak"),
        HF_HOME("hf_home", "~/.cache/huggingface", "HF_HOME"),
        POCKET_MODEL("pocket_model", "english"),
        POCKET_VOICES_DIR("pocket_voices_dir", "voices/pocket"),
        POCKET_PRECISION("pocket_precision", "float32"),
        THREADS("threads", "0");

        public final String key;
        public final String defaultValue;
        /** Environment names other than {@code VERBA_<KEY>}, weakest first. */
        public final List<String> otherEnv;

        Setting(String key, String defaultValue, String... otherEnv) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.otherEnv = List.of(otherEnv);
        }

        public String verbaEnv() {
            return "VERBA_" + key.toUpperCase(Locale.ROOT);
        }

        static Setting byKey(String key) {
            for (Setting s : values()) if (s.key.equals(key)) return s;
            return null;
        }
    }

    /** moshi-server keys that verba reads without using (its logs go to the console; its model is its own). */
    private static final Set<String> IGNORED_TOP = Set.of("log_dir", "instance_name", "modules");
    private static final Set<String> IGNORED_MODULE = Set.of("type", "path", "text_tokenizer_file",
            "text_bos_token", "script", "py");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warning", "error");

    /** A value and where it came from, e.g. {@code env PORT} or {@code file verba.toml}. */
    public record Sourced(String value, String origin) {
    }

    /** The effective config, the origin of each value, and warnings to log (unknown keys). */
    public record Result(ServerConfig config, Map<Setting, Sourced> values, List<String> warnings) {

        /** The effective settings as TOML lines, each saying where it came from (API keys masked). */
        public String describe() {
            StringBuilder out = new StringBuilder("# effective verba configuration (flag > env > file > default)\n");
            for (Setting s : Setting.values()) {
                Sourced v = values.get(s);
                String line = s.key + " = " + tomlValue(s, v.value());
                out.append(String.format(Locale.ROOT, "%-44s # %s%n", line, v.origin()));
            }
            return out.toString();
        }
    }

    private ConfigLoader() {
    }

    /**
     * @param file  the TOML file, or null for none
     * @param env   the environment (usually {@code System.getenv()})
     * @param flags settings given on the command line, by TOML key, in the order given
     */
    public static Result load(Path file, Map<String, String> env, Map<String, String> flags) {
        List<String> warnings = new ArrayList<>();
        Map<Setting, Sourced> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) values.put(s, new Sourced(s.defaultValue, "default"));
        if (file != null) readFile(file, values, warnings);
        for (Setting s : Setting.values()) {
            for (String name : s.otherEnv) {
                if (env.get(name) != null) values.put(s, new Sourced(env.get(name), "env " + name));
            }
            if (env.get(s.verbaEnv()) != null) values.put(s, new Sourced(env.get(s.verbaEnv()), "env " + s.verbaEnv()));
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            Setting s = Setting.byKey(flag.getKey());
            if (s == null) {
                throw new ConfigException("unknown setting '" + flag.getKey() + "' on the command line (known: "
                        + String.join(", ", Arrays.stream(Setting.values()).map(x -> x.key).toList()) + ")");
            }
            values.put(s, new Sourced(flag.getValue(), "flag"));
        }
        return new Result(build(values), values, warnings);
    }

    private static void readFile(Path file, Map<Setting, Sourced> values, List<String> warnings) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (JacksonException e) {
            throw new ConfigException("config file " + file + " is not valid TOML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        String origin = "file " + file;
        JsonNode modules = root.path("modules");
        for (Iterator<Map.Entry<String, JsonNode>> it = modules.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> module = it.next();
            String where = origin + " [modules." + module.getKey() + "]";
            for (Iterator<Map.Entry<String, JsonNode>> f = module.getValue().fields(); f.hasNext(); ) {
                Map.Entry<String, JsonNode> e = f.next();
                if (e.getKey().equals("batch_size")) put(values, Setting.BATCH_SIZE, e.getValue(), where);
                else if (!IGNORED_MODULE.contains(e.getKey())) {
                    warnings.add("unknown key '" + e.getKey() + "' in " + where + " (ignored)");
                }
            }
            // The py table is free-form kwargs in moshi-server; unknown keys there are ignored silently, as tts.py does.
            JsonNode py = module.getValue().path("py");
            String pyWhere = origin + " [modules." + module.getKey() + ".py]";
            if (py.has("default_voice")) put(values, Setting.DEFAULT_VOICE, py.get("default_voice"), pyWhere);
            if (py.has("voice_folder")) put(values, Setting.VOICES_DIR, py.get("voice_folder"), pyWhere);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Setting s = Setting.byKey(e.getKey());
            if (s != null) put(values, s, e.getValue(), origin);
            else if (!IGNORED_TOP.contains(e.getKey())) {
                warnings.add("unknown key '" + e.getKey() + "' in " + origin + " (ignored)");
            }
        }
    }

    private static void put(Map<Setting, Sourced> values, Setting s, JsonNode node, String origin) {
        String text;
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) throw new ConfigException(s.key + " in " + origin + " must be a list of strings");
                items.add(item.asText());
            }
            text = String.join(",", items);
        } else if (node.isValueNode()) {
            text = node.asText();
        } else {
            throw new ConfigException(s.key + " in " + origin + " must be a value, not a table");
        }
        values.put(s, new Sourced(text, origin));
    }

    private static ServerConfig build(Map<Setting, Sourced> v) {
        String reference = v.get(Setting.REFERENCE_AUDIO).value().trim();
        return new ServerConfig(
                nonEmpty(v, Setting.HOST),
                intIn(v, Setting.PORT, 0, 65535),
                logLevel(v),
                new LinkedHashSet<>(list(v.get(Setting.AUTHORIZED_IDS).value())),
                intIn(v, Setting.BATCH_SIZE, 1, 1024),
                optionalPath(v.get(Setting.STATIC_DIR).value()),
                blankToNull(v.get(Setting.DEFAULT_VOICE).value()),
                path(nonEmpty(v, Setting.VOICES_DIR)),
                reference.isEmpty() ? null : path(reference),
                !v.get(Setting.REFERENCE_AUDIO).origin().equals("default"),
                positiveDouble(v, Setting.REFERENCE_DURATION_S),
                intIn(v, Setting.MAX_TEXT_LENGTH, 1, 1_000_000),
                intIn(v, Setting.MAX_REQUEST_BYTES, 1024, Integer.MAX_VALUE),
                engines(v),
                path(nonEmpty(v, Setting.HF_HOME)),
                nonEmpty(v, Setting.POCKET_MODEL),
                path(nonEmpty(v, Setting.POCKET_VOICES_DIR)),
                pocketBf16(v),
                intIn(v, Setting.THREADS, 0, 4096));
    }

    private static String nonEmpty(Map<Setting, Sourced> v, Setting s) {
        String value = v.get(s).value().trim();
        if (value.isEmpty()) throw bad(v, s, "must not be empty");
        return value;
    }

    private static int intIn(Map<Setting, Sourced> v, Setting s, int min, int max) {
        String value = v.get(s).value().trim();
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) return (int) n;
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw bad(v, s, "must be a whole number from " + min + " to " + max);
    }

    private static double positiveDouble(Map<Setting, Sourced> v, Setting s) {
        try {
            double d = Double.parseDouble(v.get(s).value().trim());
            if (d > 0 && Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(v, s, "must be a number of seconds above 0");
    }

    private static boolean pocketBf16(Map<Setting, Sourced> v) {
        return switch (v.get(Setting.POCKET_PRECISION).value().trim().toLowerCase(Locale.ROOT)) {
            case "float32" -> false;
            case "bfloat16" -> true;
            default -> throw bad(v, Setting.POCKET_PRECISION, "must be float32 or bfloat16");
        };
    }

    private static String logLevel(Map<Setting, Sourced> v) {
        String level = v.get(Setting.LOG_LEVEL).value().trim().toLowerCase(Locale.ROOT);
        if (level.equals("warn")) level = "warning";
        if (!LOG_LEVELS.contains(level)) throw bad(v, Setting.LOG_LEVEL, "must be one of trace, debug, info, warning, error");
        return level;
    }

    private static List<String> engines(Map<Setting, Sourced> v) {
        List<String> engines = list(v.get(Setting.ENGINES).value());
        if (engines.isEmpty()) throw bad(v, Setting.ENGINES, "must name at least one engine");
        return engines;
    }

    private static ConfigException bad(Map<Setting, Sourced> v, Setting s, String rule) {
        Sourced value = v.get(s);
        return new ConfigException(s.key + " " + rule + ", got '" + value.value() + "' (from " + value.origin() + ")");
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Path optionalPath(String s) {
        return s == null || s.isBlank() ? null : path(s.trim());
    }

    private static Path path(String s) {
        if (s.equals("~") || s.startsWith("~/")) return Path.of(System.getProperty("user.home") + s.substring(1));
        return Path.of(s);
    }

    private static String tomlValue(Setting s, String value) {
        return switch (s) {
            case PORT, BATCH_SIZE, MAX_TEXT_LENGTH, MAX_REQUEST_BYTES, REFERENCE_DURATION_S, THREADS -> value.trim();
            case AUTHORIZED_IDS -> "[" + String.join(", ", list(value).stream().map(ConfigLoader::masked).toList()) + "]";
            case ENGINES -> "[" + String.join(", ", list(value).stream().map(ConfigLoader::quoted).toList()) + "]";
            default -> quoted(value);
        };
    }

    /** Keys are secrets: show enough to recognise one, not enough to use it. */
    private static String masked(String key) {
        return quoted(key.length() <= 4 ? "****" : key.substring(0, 2) + "****" + key.substring(key.length() - 2));
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
