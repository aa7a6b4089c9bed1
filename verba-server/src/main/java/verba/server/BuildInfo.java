package verba.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code GET /api/build_info} answers: moshi-server's field names, filled with verba's build data (the Rust
 * toolchain fields carry the Java runtime). Git fields say {@code unknown} because the build does not record them.
 */
public final class BuildInfo {

    private static final String UNKNOWN = "unknown";

    private BuildInfo() {
    }

    /** verba's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return properties().getProperty("version", UNKNOWN);
    }

    public static Map<String, String> fields() {
        Properties p = properties();
        String timestamp = p.getProperty("build_timestamp", UNKNOWN);
        String platform = System.getProperty("os.arch") + "-" + System.getProperty("os.name").toLowerCase().replace(' ', '-');
        Map<String, String> info = new LinkedHashMap<>();
        info.put("build_timestamp", timestamp);
        info.put("build_date", timestamp.length() >= 10 ? timestamp.substring(0, 10) : timestamp);
        info.put("git_branch", UNKNOWN);
        info.put("git_timestamp", UNKNOWN);
        info.put("git_date", UNKNOWN);
        info.put("git_hash", UNKNOWN);
        info.put("git_describe", "verba-" + p.getProperty("version", UNKNOWN));
        info.put("rustc_host_triple", platform);
        info.put("rustc_version", "java " + Runtime.version());
        info.put("cargo_target_triple", platform);
        return info;
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/verba/build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // a jar that cannot read its own resource: report unknown values rather than fail a health check
        }
        return p;
    }
}
