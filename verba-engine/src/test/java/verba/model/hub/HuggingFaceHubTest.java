package verba.model.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against a local server that answers as the Hub's resolve API does: LFS files redirect (302) to a
 * storage URL with X-Repo-Commit / X-Linked-Etag / X-Linked-Size, small files answer 200 with an ETag, gated files
 * 401 without the right token, missing ones 404, and one blob drops the connection halfway.
 */
class HuggingFaceHubTest {

    private static final String COMMIT = "19f95fe0123456789abcdef0123456789abcdef0";
    private static final String TOKEN = "hf_test_token";

    @TempDir
    Path home;
    private HttpServer server, storage;
    private URI endpoint, storageUri;
    private final byte[] weights = new byte[3 * 1024 * 1024 + 17];
    private final byte[] tokenizer = "a small non-LFS file".getBytes(StandardCharsets.UTF_8);
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<String> authorizations = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        new Random(7).nextBytes(weights);
        blobs.put("sha-weights", weights);
        blobs.put("sha-broken", weights);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        // LFS storage lives on another origin, as the Hub's CDN does
        storage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        storage.createContext("/", this::handle);
        storage.start();
        storageUri = URI.create("http://127.0.0.1:" + storage.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        storage.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        hits.computeIfAbsent(ex.getRequestMethod() + " " + path, k -> new AtomicInteger()).incrementAndGet();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        synchronized (authorizations) {
            authorizations.add(path + " " + auth);
        }
        var h = ex.getResponseHeaders();
        boolean head = ex.getRequestMethod().equals("HEAD");
        switch (path) {
            case "/kyutai/pocket-tts-without-voice-cloning/resolve/main/languages/english/model.safetensors",
                 "/kyutai/pocket-tts/resolve/main/languages/english/model.safetensors" -> {
                if (path.startsWith("/kyutai/pocket-tts/") && !("Bearer " + TOKEN).equals(auth)) {
                    h.add("X-Error-Code", "GatedRepo");
                    h.add("X-Error-Message", "Access to model kyutai/pocket-tts is restricted.");
                    ex.sendResponseHeaders(401, -1);
                    ex.close();
                    return;
                }
                lfsRedirect(ex, "sha-weights", weights.length);
            }
            case "/kyutai/old-name/resolve/main/languages/english/model.safetensors" -> {
                h.add("Location", "/kyutai/pocket-tts-without-voice-cloning/resolve/main/languages/english/model.safetensors");
                ex.sendResponseHeaders(307, -1);
                ex.close();
            }
            case "/kyutai/pocket-tts-without-voice-cloning/resolve/main/broken.safetensors" ->
                    lfsRedirect(ex, "sha-broken", weights.length);
            case "/kyutai/pocket-tts-without-voice-cloning/resolve/main/short.safetensors" ->
                    lfsRedirect(ex, "sha-short", weights.length);   // announces more than storage delivers
            case "/kyutai/pocket-tts-without-voice-cloning/resolve/" + COMMIT + "/languages/english/tokenizer.model",
                 "/kyutai/pocket-tts-without-voice-cloning/resolve/main/languages/english/tokenizer.model" -> {
                h.add("X-Repo-Commit", COMMIT);
                h.add("ETag", "W/\"git-sha-tokenizer\"");
                if (head) {
                    h.add("Content-Length", Integer.toString(tokenizer.length));
                    ex.sendResponseHeaders(200, -1);
                } else {
                    ex.sendResponseHeaders(200, tokenizer.length);
                    ex.getResponseBody().write(tokenizer);
                }
                ex.close();
            }
            case "/storage/sha-weights", "/storage/sha-broken", "/storage/sha-short" -> {
                String name = path.substring("/storage/".length());
                byte[] body = name.equals("sha-short") ? new byte[100] : blobs.get(name);
                ex.sendResponseHeaders(200, body.length);
                OutputStream out = ex.getResponseBody();
                if (name.equals("sha-broken")) {
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    // drop the connection mid-body: the client sees fewer bytes than Content-Length
                    throw new IOException("simulated connection drop");
                }
                out.write(body);
                ex.close();
            }
            default -> {
                h.add("X-Error-Code", path.contains("/no-such-repo/") ? "RepoNotFound" : "EntryNotFound");
                ex.sendResponseHeaders(path.contains("/no-such-repo/") ? 401 : 404, -1);
                ex.close();
            }
        }
    }

    private void lfsRedirect(HttpExchange ex, String etag, long size) throws IOException {
        var h = ex.getResponseHeaders();
        h.add("X-Repo-Commit", COMMIT);
        h.add("X-Linked-Etag", "\"" + etag + "\"");
        h.add("X-Linked-Size", Long.toString(size));
        h.add("ETag", "\"not-the-blob-etag\"");
        h.add("Location", storageUri + "/storage/" + etag + "?X-Amz-Signature=abc");
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private HuggingFaceHub hub(String token, boolean offline) {
        return new HuggingFaceHub(endpoint, home.resolve("hub"), token, offline);
    }

    private Path repo(String name) {
        return home.resolve("hub").resolve("models--kyutai--" + name);
    }

    @Test
    void downloadsIntoTheStandardCacheLayoutAndReusesIt() throws IOException {
        List<long[]> progress = new ArrayList<>();
        String ref = "hf://kyutai/pocket-tts-without-voice-cloning/languages/english/model.safetensors";
        Path file = hub(null, false).resolve(ref, (f, received, total) -> progress.add(new long[]{received, total}));

        Path repo = repo("pocket-tts-without-voice-cloning");
        assertEquals(repo.resolve("snapshots").resolve(COMMIT).resolve("languages/english/model.safetensors"), file);
        assertTrue(Files.isSymbolicLink(file));
        assertEquals(Path.of("../../../../blobs/sha-weights"), Files.readSymbolicLink(file));
        assertArrayEquals(weights, Files.readAllBytes(file));
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main")));
        assertEquals(List.of("sha-weights"), list(repo.resolve("blobs")));
        assertArrayEquals(new long[]{0, weights.length}, progress.getFirst());
        assertArrayEquals(new long[]{weights.length, weights.length}, progress.getLast());
        assertTrue(progress.size() >= 4, "progress about every megabyte");

        // second time: the HEAD only, no second transfer
        assertEquals(file, hub(null, false).resolve(ref, DownloadProgress.NONE));
        assertEquals(1, hits.get("GET /storage/sha-weights").get());
        // offline: from refs/main, no request at all
        int before = hits.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(file, hub(null, true).resolve(ref, DownloadProgress.NONE));
        // pinned to the commit: straight from the snapshot
        assertEquals(file, hub(null, false).resolve(ref + "@" + COMMIT, DownloadProgress.NONE));
        assertEquals(before, hits.values().stream().mapToInt(AtomicInteger::get).sum());
    }

    @Test
    void followsTheHubsRelativeRedirectsOfRenamedRepositories() throws IOException {
        Path file = hub(null, false).resolve("hf://kyutai/old-name/languages/english/model.safetensors", DownloadProgress.NONE);
        assertArrayEquals(weights, Files.readAllBytes(file));
        assertEquals(repo("old-name").resolve("snapshots").resolve(COMMIT).resolve("languages/english/model.safetensors"), file);
    }

    @Test
    void smallFilesAnswerDirectlyAndWeakEtagsAreNormalised() throws IOException {
        Path file = hub(null, false).fetch(HubFile.parse(
                "hf://kyutai/pocket-tts-without-voice-cloning/languages/english/tokenizer.model@" + COMMIT), DownloadProgress.NONE);
        assertArrayEquals(tokenizer, Files.readAllBytes(file));
        assertEquals(List.of("git-sha-tokenizer"), list(repo("pocket-tts-without-voice-cloning").resolve("blobs")));
        assertFalse(Files.exists(repo("pocket-tts-without-voice-cloning").resolve("refs")), "a commit needs no ref");
    }

    @Test
    void gatedFileWithoutTokenSaysSoAndNamesHfToken() {
        var e = assertThrows(HubException.class, () -> hub(null, false).resolve(
                "hf://kyutai/pocket-tts/languages/english/model.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.GATED, e.reason());
        assertTrue(e.getMessage().contains("gated") && e.getMessage().contains("HF_TOKEN")
                && e.getMessage().contains(endpoint + "/kyutai/pocket-tts"), e.getMessage());
        var wrong = assertThrows(HubException.class, () -> hub("hf_wrong", false).resolve(
                "hf://kyutai/pocket-tts/languages/english/model.safetensors", DownloadProgress.NONE));
        assertTrue(wrong.getMessage().contains("without access"), wrong.getMessage());
    }

    @Test
    void tokenIsSentToTheHubButNotToTheStorage() throws IOException {
        Path file = hub(TOKEN, false).resolve("hf://kyutai/pocket-tts/languages/english/model.safetensors", DownloadProgress.NONE);
        assertArrayEquals(weights, Files.readAllBytes(file));
        assertTrue(authorizations.contains("/kyutai/pocket-tts/resolve/main/languages/english/model.safetensors Bearer " + TOKEN));
        assertTrue(authorizations.contains("/storage/sha-weights null"), authorizations.toString());
    }

    @Test
    void fallsBackFromTheGatedCheckpoint() throws IOException {
        var fetched = hub(null, false).fetchWithFallback(
                "hf://kyutai/pocket-tts/languages/english/model.safetensors",
                "hf://kyutai/pocket-tts-without-voice-cloning/languages/english/model.safetensors", DownloadProgress.NONE);
        assertTrue(fetched.fellBack());
        assertEquals("kyutai/pocket-tts-without-voice-cloning", fetched.file().repo());
        assertTrue(fetched.fallbackReason().contains("gated"));
        assertArrayEquals(weights, Files.readAllBytes(fetched.path()));
        var direct = hub(TOKEN, false).fetchWithFallback(
                "hf://kyutai/pocket-tts/languages/english/model.safetensors",
                "hf://kyutai/pocket-tts-without-voice-cloning/languages/english/model.safetensors", DownloadProgress.NONE);
        assertFalse(direct.fellBack());
        assertNull(direct.fallbackReason());
    }

    @Test
    void missingFilesAndRepositoriesAreNotFound() {
        var entry = assertThrows(HubException.class, () -> hub(null, false).resolve(
                "hf://kyutai/pocket-tts-without-voice-cloning/languages/klingon/model.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.NOT_FOUND, entry.reason());
        assertTrue(entry.getMessage().startsWith("no file languages/klingon/model.safetensors in kyutai/pocket-tts-without-voice-cloning at revision main"),
                entry.getMessage());
        var repo = assertThrows(HubException.class, () -> hub(null, false).resolve(
                "hf://kyutai/no-such-repo/model.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.NOT_FOUND, repo.reason());
        assertTrue(repo.getMessage().contains("no repository kyutai/no-such-repo"), repo.getMessage());
    }

    @Test
    void aDroppedConnectionLeavesNothingInTheCache() throws IOException {
        var e = assertThrows(HubException.class, () -> hub(null, false).resolve(
                "hf://kyutai/pocket-tts-without-voice-cloning/broken.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.INCOMPLETE, e.reason());
        assertTrue(e.getMessage().contains("broke off after") && e.getMessage().contains("of " + weights.length + " bytes")
                && e.getMessage().contains("nothing was kept"), e.getMessage());
        Path repo = repo("pocket-tts-without-voice-cloning");
        assertEquals(List.of(), list(repo.resolve("blobs")), "no blob, no .incomplete");
        assertFalse(Files.exists(repo.resolve("snapshots").resolve(COMMIT).resolve("broken.safetensors")));
    }

    @Test
    void aSizeOtherThanAnnouncedIsRejected() throws IOException {
        var e = assertThrows(HubException.class, () -> hub(null, false).resolve(
                "hf://kyutai/pocket-tts-without-voice-cloning/short.safetensors", DownloadProgress.NONE));
        assertEquals(HubException.Reason.INCOMPLETE, e.reason());
        assertTrue(e.getMessage().contains("delivered 100 bytes where the Hub announced " + weights.length), e.getMessage());
        assertEquals(List.of(), list(repo("pocket-tts-without-voice-cloning").resolve("blobs")));
    }

    @Test
    void offlineWithoutCacheAndUnreachableHubAreClear() throws IOException {
        String ref = "hf://kyutai/pocket-tts-without-voice-cloning/languages/english/model.safetensors";
        var offline = assertThrows(HubException.class, () -> hub(null, true).resolve(ref, DownloadProgress.NONE));
        assertEquals(HubException.Reason.OFFLINE, offline.reason());
        assertTrue(offline.getMessage().contains("HF_HUB_OFFLINE"), offline.getMessage());

        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HuggingFaceHub unreachable = new HuggingFaceHub(URI.create("http://127.0.0.1:" + closedPort), home.resolve("hub"), null, false);
        var network = assertThrows(HubException.class, () -> unreachable.resolve(ref, DownloadProgress.NONE));
        assertEquals(HubException.Reason.NETWORK, network.reason());
        assertTrue(network.getMessage().startsWith("cannot reach the Hugging Face Hub at http://127.0.0.1:" + closedPort), network.getMessage());

        // once cached, an unreachable Hub is not an error
        Path file = hub(null, false).resolve(ref, DownloadProgress.NONE);
        assertEquals(file, unreachable.resolve(ref, DownloadProgress.NONE));
    }

    @Test
    void configuredFromTheEnvironmentLikeHuggingfaceHub() throws IOException {
        Files.writeString(home.resolve("token"), "hf_from_file\n");
        HuggingFaceHub fromFile = HuggingFaceHub.fromEnvironment(Map.of("HF_HOME", home.toString(),
                "HF_ENDPOINT", endpoint.toString(), "HF_HUB_OFFLINE", "0"));
        assertEquals(home.resolve("hub"), fromFile.cacheDirectory());
        assertFalse(fromFile.offline());
        var e = assertThrows(HubException.class, () -> fromFile.resolve(
                "hf://kyutai/pocket-tts/languages/english/model.safetensors", DownloadProgress.NONE));
        assertTrue(e.getMessage().contains("without access"), "the token file was used: " + e.getMessage());

        HuggingFaceHub withToken = HuggingFaceHub.fromEnvironment(Map.of("HF_HOME", home.toString(),
                "HF_ENDPOINT", endpoint + "/", "HF_TOKEN", TOKEN));
        assertTrue(Files.exists(withToken.resolve("hf://kyutai/pocket-tts/languages/english/model.safetensors", DownloadProgress.NONE)));

        HuggingFaceHub offline = HuggingFaceHub.fromEnvironment(Map.of("XDG_CACHE_HOME", home.toString(), "HF_HUB_OFFLINE", "TRUE"));
        assertTrue(offline.offline());
        assertEquals(home.resolve("huggingface").resolve("hub"), offline.cacheDirectory());
        assertEquals(Path.of("/somewhere/else"), HuggingFaceHub.fromEnvironment(Map.of("HF_HUB_CACHE", "/somewhere/else")).cacheDirectory());
    }

    @Test
    void parsesReferences() {
        HubFile f = HubFile.parse("hf://kyutai/pocket-tts/languages/english/embeddings/alba.safetensors@ac2153decc511b3a81e71b9c8b9afa2d391eeef4");
        assertEquals("kyutai/pocket-tts", f.repo());
        assertEquals("languages/english/embeddings/alba.safetensors", f.path());
        assertEquals("ac2153decc511b3a81e71b9c8b9afa2d391eeef4", f.revision());
        assertEquals("main", HubFile.parse("hf://kyutai/tts-voices/alba-mackenna/casual.wav").revision());
        assertEquals("hf://kyutai/tts-voices/alba-mackenna/casual.wav", HubFile.parse("hf://kyutai/tts-voices/alba-mackenna/casual.wav").toString());
        for (String bad : new String[]{"hf://kyutai/pocket-tts", "hf://kyutai/model.safetensors", "https://x/y/z",
                "hf://kyutai/pocket-tts/../../etc/passwd", "hf://kyutai/pocket-tts/a.bin@", "hf://../x/a.bin"}) {
            assertThrows(IllegalArgumentException.class, () -> HubFile.parse(bad), bad);
        }
        assertEquals("abc", HuggingFaceHub.normalizeEtag("W/\"abc\""));
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

}
