package verba.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What {@code GET /api/build_info} answers: moshi-server's field names (plus {@code version}), filled with verba's
 * build data (the Rust toolchain fields carry the Java runtime). Git fields come from the build's checkout, and say
 * {@code unknown} without one (a Docker build copies no {@code .git}).
 */
public final class BuildInfo {

    private static final String UNKNOWN = "unknown";

    private BuildInfo() {
    }

    public static Map<String, String> fields() {
        Properties p = properties();
        String timestamp = value(p, "build_timestamp");
        String gitTimestamp = value(p, "git_timestamp");
        String platform = System.getProperty("os.arch") + "-" + System.getProperty("os.name").toLowerCase().replace(' ', '-');
        Map<String, String> info = new LinkedHashMap<>();
        info.put("build_timestamp", timestamp);
        info.put("build_date", date(timestamp));
        info.put("git_branch", value(p, "git_branch"));
        info.put("git_timestamp", gitTimestamp);
        info.put("git_date", date(gitTimestamp));
        info.put("git_hash", value(p, "git_hash"));
        info.put("git_describe", value(p, "git_describe"));
        info.put("version", value(p, "version"));
        info.put("rustc_host_triple", platform);
        info.put("rustc_version", "java " + Runtime.version());
        info.put("cargo_target_triple", platform);
        return info;
    }

    /** A filtered value, or unknown when the build could not fill it (no git, or a build outside a checkout). */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
    }

    private static String date(String timestamp) {
        return timestamp.length() >= 10 && !timestamp.equals(UNKNOWN) ? timestamp.substring(0, 10) : UNKNOWN;
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
