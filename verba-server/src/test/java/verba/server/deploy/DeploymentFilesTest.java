package verba.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import verba.server.TestServer;
import verba.server.config.ConfigLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeps the Dockerfile, Compose and Kubernetes files honest against the build, the config and the routes. */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final YAMLMapper YAML = new YAMLMapper();
    /** Environment read by something other than the config: the JVM, the shell, the Hugging Face client. */
    private static final Set<String> OTHER_ENV = Set.of("PATH", "JAVA_TOOL_OPTIONS", "HF_TOKEN");

    @Test
    void dockerCopySourcesExistInTheRepository() throws IOException {
        int checked = 0;
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            if (!line.startsWith("COPY ") || line.contains("--from=")) continue;
            String[] parts = line.trim().split("\\s+");
            for (int i = 1; i < parts.length - 1; i++, checked++) {
                assertTrue(Files.exists(ROOT.resolve(parts[i])), "Dockerfile copies " + parts[i] + ", which is missing");
            }
        }
        assertTrue(checked > 0, "no COPY found");
    }

    @Test
    void builtJarPathsMatchTheBuild() throws IOException {
        String docker = Files.readString(ROOT.resolve("Dockerfile"));
        String pom = Files.readString(ROOT.resolve("verba-server/pom.xml"));
        assertTrue(pom.contains("<finalName>verba-server</finalName>"));
        assertTrue(pom.contains("${project.build.directory}/lib") && pom.contains("<classpathPrefix>lib/</classpathPrefix>"));
        assertTrue(docker.contains("/src/verba-server/target/verba-server.jar /app/verba-server.jar"));
        assertTrue(docker.contains("/src/verba-server/target/lib /app/lib"), "the jar's Class-Path needs lib/ beside it");
    }

    @Test
    void everyEnvironmentVariableSetIsOneVerbaReads() throws IOException {
        Set<String> known = new HashSet<>(OTHER_ENV);
        for (ConfigLoader.Setting s : ConfigLoader.Setting.values()) {
            known.add(s.verbaEnv());
            known.addAll(s.otherEnv);
        }
        Set<String> set = new TreeSet<>(dockerEnv());
        JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
        compose.path("x-verba").path("environment").fieldNames().forEachRemaining(set::add);
        compose.path("services").forEach(svc -> svc.path("environment").fieldNames().forEachRemaining(set::add));
        for (JsonNode doc : kubernetes()) {
            for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
                c.path("env").forEach(e -> set.add(e.path("name").asText()));
            }
        }
        assertTrue(set.containsAll(List.of("PORT", "HF_HOME", "VERBA_API_KEYS", "VERBA_POCKET_VOICES_DIR")), set.toString());
        set.removeAll(known);
        assertEquals(Set.of(), set, "environment variables that verba does not read");
    }

    @Test
    void probesAndHealthcheckHitRoutesThatAnswer() throws Exception {
        Set<String> paths = new TreeSet<>();
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:\\$\\{PORT}(/\\w+)").matcher(Files.readString(ROOT.resolve("Dockerfile")));
        while (m.find()) paths.add(m.group(1));
        for (JsonNode doc : kubernetes()) {
            for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    if (c.has(probe)) paths.add(c.path(probe).path("httpGet").path("path").asText());
                }
            }
        }
        assertEquals(Set.of("/health", "/ready"), paths);
        try (TestServer s = TestServer.started(Map.of())) {
            assertEquals(200, s.get("/health").statusCode(), "liveness must hold while the model loads");
            assertEquals(503, s.get("/ready").statusCode(), "not ready before warm-up");
            s.load();
            for (String path : paths) assertEquals(200, s.get(path).statusCode(), path);
        }
    }

    private static Set<String> dockerEnv() throws IOException {
        Set<String> names = new HashSet<>();
        boolean inEnv = false;
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            if (line.startsWith("ENV ")) {
                inEnv = true;
                line = line.substring(4);
            } else if (!inEnv) {
                continue;
            }
            Matcher m = Pattern.compile("^\\s*([A-Z_][A-Z0-9_]*)=").matcher(line);
            if (m.find()) names.add(m.group(1));
            inEnv = line.trim().endsWith("\\");
        }
        assertFalse(names.isEmpty(), "no ENV found");
        return names;
    }

    private static List<JsonNode> kubernetes() throws IOException {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                .readValues(ROOT.resolve("deploy/kubernetes/verba.yaml").toFile())) {
            List<JsonNode> all = docs.readAll();
            assertTrue(all.stream().anyMatch(d -> d.path("kind").asText().equals("Deployment")));
            return all;
        }
    }
}
