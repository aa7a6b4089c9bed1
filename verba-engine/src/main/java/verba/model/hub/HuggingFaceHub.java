package verba.model.hub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A client of the Hugging Face Hub's {@code resolve} API that keeps files in the standard cache layout, so files
 * fetched by Python tools are reused and the other way round:
 * <pre>
 * $HF_HOME/hub/models--org--repo/blobs/&lt;etag&gt;                 the bytes
 *                               snapshots/&lt;commit&gt;/&lt;path&gt;     a relative symlink to the blob (a copy where links fail)
 *                               refs/&lt;revision&gt;                 the commit the revision pointed to
 * </pre>
 * As {@code huggingface_hub}: a HEAD on {@code <endpoint>/<repo>/resolve/<revision>/<path>} gives the commit
 * ({@code X-Repo-Commit}), the blob's etag ({@code X-Linked-Etag} or {@code ETag}) and size ({@code X-Linked-Size}
 * or {@code Content-Length}); large files answer with a redirect to their storage. A blob is downloaded to a
 * temporary file beside it, its size checked, then moved into place atomically: the cache never holds half a file.
 */
public final class HuggingFaceHub {

    private static final Logger LOG = LoggerFactory.getLogger(HuggingFaceHub.class);
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final int MAX_REDIRECTS = 10;
    private static final long PROGRESS_STEP = 1 << 20;

    private final URI endpoint;
    private final Path cache;
    private final String token;
    private final boolean offline;
    private final HttpClient http;

    /**
     * @param endpoint the Hub, e.g. {@link #DEFAULT_ENDPOINT}
     * @param cache    the hub cache folder ({@code $HF_HOME/hub})
     * @param token    a Hugging Face access token, or null
     * @param offline  never touch the network, only the cache
     */
    public HuggingFaceHub(URI endpoint, Path cache, String token, boolean offline) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.cache = cache;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.offline = offline;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)   // followed by hand: the token must not leave the Hub
                .connectTimeout(Duration.ofSeconds(15))
                .build();
    }

    /**
     * Configured as {@code huggingface_hub} is: {@code HF_ENDPOINT}, {@code HF_HUB_CACHE} or {@code HF_HOME}/hub
     * (default {@code $XDG_CACHE_HOME/huggingface} or {@code ~/.cache/huggingface}), {@code HF_TOKEN} or the token
     * file {@code hf auth login} writes ({@code HF_TOKEN_PATH}, default {@code $HF_HOME/token}), {@code HF_HUB_OFFLINE}.
     */
    public static HuggingFaceHub fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, from the given variables. */
    public static HuggingFaceHub fromEnvironment(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path home = nonBlank(env.get("HF_HOME")).map(Path::of).orElseGet(() ->
                (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                        .resolve("huggingface"));
        Path cache = nonBlank(env.get("HF_HUB_CACHE")).map(Path::of).orElse(home.resolve("hub"));
        String token = nonBlank(env.get("HF_TOKEN")).orElseGet(() -> {
            Path file = nonBlank(env.get("HF_TOKEN_PATH")).map(Path::of).orElse(home.resolve("token"));
            try {
                return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
            } catch (IOException e) {
                LOG.warn("Cannot read the Hugging Face token file {}: {}", file, e.getMessage());
                return null;
            }
        });
        String offline = env.getOrDefault("HF_HUB_OFFLINE", "");
        boolean isOffline = switch (offline.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "on", "yes", "true" -> true;
            default -> false;
        };
        URI endpoint = nonBlank(env.get("HF_ENDPOINT")).map(URI::create).orElse(DEFAULT_ENDPOINT);
        return new HuggingFaceHub(endpoint, cache, token, isOffline);
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    public Path cacheDirectory() {
        return cache;
    }

    public boolean offline() {
        return offline;
    }

    /** The local path of {@code reference}: an {@code hf://} reference is fetched, anything else is a local path. */
    public Path resolve(String reference, DownloadProgress progress) throws HubException {
        return HubFile.isReference(reference) ? fetch(HubFile.parse(reference), progress) : Path.of(reference);
    }

    /** The result of {@link #fetchWithFallback}: the file, and why the preferred one was not used (or null). */
    public record Fetched(Path path, HubFile file, boolean fellBack, String fallbackReason) {
    }

    /**
     * Fetches {@code preferred}, or when it cannot be had (a gated repository without access, offline and not
     * cached, ...) {@code fallback}, as Pocket TTS falls back from the voice-cloning checkpoint to the one without.
     * If both fail the exception of the fallback carries the preferred one's as suppressed.
     */
    public Fetched fetchWithFallback(String preferred, String fallback, DownloadProgress progress) throws HubException {
        HubFile first = HubFile.parse(preferred);
        try {
            return new Fetched(fetch(first, progress), first, false, null);
        } catch (HubException e) {
            if (fallback == null) throw e;
            HubFile second = HubFile.parse(fallback);
            LOG.warn("{}; using {} instead", e.getMessage(), second);
            try {
                return new Fetched(fetch(second, progress), second, true, e.getMessage());
            } catch (HubException f) {
                f.addSuppressed(e);
                throw f;
            }
        }
    }

    /** The local path of {@code file}, downloaded into the cache unless it is there already. */
    public Path fetch(HubFile file, DownloadProgress progress) throws HubException {
        Path repoDir = cache.resolve(file.cacheFolder());
        if (COMMIT.matcher(file.revision()).matches()) {
            Path pinned = snapshot(repoDir, file.revision(), file);
            if (Files.exists(pinned)) return pinned;    // a commit's files never change
        }
        if (offline) {
            Path cached = cached(repoDir, file);
            if (cached != null) return cached;
            throw new HubException(HubException.Reason.OFFLINE, file + " is not in the Hugging Face cache ("
                    + repoDir + ") and HF_HUB_OFFLINE is set, so it cannot be downloaded");
        }
        Metadata meta;
        try {
            meta = metadata(file);
        } catch (HubException e) {
            if (e.reason() == HubException.Reason.NETWORK || e.reason() == HubException.Reason.PROTOCOL) {
                Path cached = cached(repoDir, file);
                if (cached != null) {
                    LOG.warn("{}; using the cached copy {}", e.getMessage(), cached);
                    return cached;
                }
            }
            throw e;
        }
        try {
            if (!meta.commit().equals(file.revision())) {
                writeAtomically(repoDir.resolve("refs").resolve(file.revision()), meta.commit());
            }
            Path pointer = snapshot(repoDir, meta.commit(), file);
            if (Files.exists(pointer)) return pointer;
            Path blob = repoDir.resolve("blobs").resolve(meta.etag());
            if (!Files.exists(blob) || (meta.size() >= 0 && Files.size(blob) != meta.size())) {
                download(file, meta, blob, progress);
            }
            link(pointer, blob);
            return pointer;
        } catch (HubException e) {
            throw e;
        } catch (IOException e) {
            throw new HubException(HubException.Reason.PROTOCOL, "cannot store " + file + " in the cache " + repoDir
                    + ": " + e.getMessage(), e);
        }
    }

    private static Path snapshot(Path repoDir, String commit, HubFile file) {
        return repoDir.resolve("snapshots").resolve(commit).resolve(file.path());
    }

    /** The snapshot file the cache holds for the revision, or null. */
    private static Path cached(Path repoDir, HubFile file) {
        String commit = file.revision();
        if (!COMMIT.matcher(commit).matches()) {
            Path ref = repoDir.resolve("refs").resolve(file.revision());
            try {
                if (!Files.isRegularFile(ref)) return null;
                commit = Files.readString(ref).trim();
            } catch (IOException e) {
                return null;
            }
        }
        Path pointer = snapshot(repoDir, commit, file);
        return Files.exists(pointer) ? pointer : null;
    }

    private record Metadata(String commit, String etag, long size, URI location) {
    }

    /** HEAD on the resolve URL, following only the Hub's own (relative) redirects, as huggingface_hub does. */
    private Metadata metadata(HubFile file) throws HubException {
        URI uri = resolveUri(file);
        for (int hop = 0; hop < MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept-Encoding", "identity").timeout(Duration.ofSeconds(30));
            authorize(request, uri);
            HttpResponse<Void> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw networkFailure(file, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(HubException.Reason.NETWORK, "interrupted while asking the Hub for " + file, e);
            }
            int status = response.statusCode();
            HttpHeaders h = response.headers();
            Optional<String> location = h.firstValue("Location");
            if (status >= 300 && status < 400 && location.isPresent() && URI.create(location.get()).getHost() == null) {
                uri = uri.resolve(location.get());       // the Hub's own redirects (a renamed repository, a cache route)
                continue;
            }
            if (status >= 400) throw httpError(file, status, h);
            String commit = h.firstValue("X-Repo-Commit").orElse(null);
            String etag = h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).map(HuggingFaceHub::normalizeEtag).orElse(null);
            if (commit == null || !COMMIT.matcher(commit).matches() || etag == null || !SAFE_ETAG.matcher(etag).matches()) {
                throw new HubException(HubException.Reason.PROTOCOL, endpoint + " did not answer like the Hugging Face Hub for "
                        + file + " (status " + status + ", X-Repo-Commit " + commit + ", ETag " + etag + ")");
            }
            long size = h.firstValue("X-Linked-Size").or(() -> h.firstValue("Content-Length"))
                    .map(Long::parseLong).orElse(-1L);
            URI download = status >= 300 && status < 400 && location.isPresent() ? uri.resolve(location.get()) : uri;
            return new Metadata(commit, etag, size, download);
        }
        throw new HubException(HubException.Reason.PROTOCOL, "too many redirects asking for " + file);
    }

    /** {@code W/"abc"} and {@code "abc"} both name the blob {@code abc}. */
    static String normalizeEtag(String etag) {
        String e = etag.trim();
        if (e.startsWith("W/")) e = e.substring(2);
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) e = e.substring(1, e.length() - 1);
        return e;
    }

    private URI resolveUri(HubFile file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.path().split("/")) path.append('/').append(encode(segment));
        return URI.create(endpoint + "/" + file.repo() + "/resolve/" + encode(file.revision()) + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The token goes to the Hub only, never to the storage a download is redirected to. */
    private void authorize(HttpRequest.Builder request, URI uri) {
        if (token != null && sameOrigin(uri, endpoint)) request.header("Authorization", "Bearer " + token);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
    }

    private HubException networkFailure(HubFile file, IOException e) {
        return new HubException(HubException.Reason.NETWORK, "cannot reach the Hugging Face Hub at " + endpoint + " for "
                + file + " (" + describe(e) + "); set HF_HUB_OFFLINE=1 to use only files already in " + cache, e);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private HubException httpError(HubFile file, int status, HttpHeaders headers) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String serverMessage = headers.firstValue("X-Error-Message").map(m -> " (the Hub says: " + m + ")").orElse("");
        String page = endpoint + "/" + file.repo();
        if (code.equals("RepoNotFound")) {
            return new HubException(HubException.Reason.NOT_FOUND, "no repository " + file.repo() + " on " + endpoint
                    + " for " + file + (token == null ? " (or it is private: set HF_TOKEN)" : "") + serverMessage);
        }
        if (status == 401 || status == 403 || code.equals("GatedRepo")) {
            String access = token == null
                    ? "no token is set: set HF_TOKEN (or run `hf auth login`) with a token of an account that accepted them"
                    : "the token in use (HF_TOKEN) belongs to an account without access: accept them with that account";
            return new HubException(HubException.Reason.GATED, file + " is in a gated repository (HTTP " + status
                    + "): accept its terms at " + page + ", and " + access + serverMessage);
        }
        if (status == 404) {
            String what = switch (code) {
                case "RevisionNotFound" -> "no revision '" + file.revision() + "' in " + file.repo();
                case "EntryNotFound" -> "no file " + file.path() + " in " + file.repo() + " at revision " + file.revision();
                default -> file + " was not found";
            };
            return new HubException(HubException.Reason.NOT_FOUND, what + " (" + page + ")" + serverMessage);
        }
        return new HubException(HubException.Reason.PROTOCOL, "the Hub answered HTTP " + status + " for " + file + serverMessage);
    }

    /** Streams the blob to a temporary file in blobs/, checks its size and moves it into place. */
    private void download(HubFile file, Metadata meta, Path blob, DownloadProgress progress) throws IOException {
        Files.createDirectories(blob.getParent());
        Path temp = Files.createTempFile(blob.getParent(), meta.etag() + ".", ".incomplete");
        long received = 0;
        try {
            HttpResponse<InputStream> response = openDownload(file, meta.location());
            long total = meta.size() >= 0 ? meta.size() : response.headers().firstValueAsLong("Content-Length").orElse(-1);
            progress.update(file, 0, total);
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                long reported = 0;
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    received += n;
                    if (received - reported >= PROGRESS_STEP) {
                        progress.update(file, received, total);
                        reported = received;
                    }
                }
            } catch (IOException e) {
                throw new HubException(HubException.Reason.INCOMPLETE, "the download of " + file + " broke off after "
                        + received + (total >= 0 ? " of " + total : "") + " bytes (" + describe(e)
                        + "); nothing was kept, run again to retry", e);
            }
            if (total >= 0 && received != total) {
                throw new HubException(HubException.Reason.INCOMPLETE, "the download of " + file + " delivered " + received
                        + " bytes where the Hub announced " + total + "; nothing was kept, run again to retry");
            }
            progress.update(file, received, received);
            Files.move(temp, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("Downloaded {} ({} bytes) into {}", file, received, blob);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private HttpResponse<InputStream> openDownload(HubFile file, URI uri) throws HubException {
        for (int hop = 0; hop < MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept-Encoding", "identity")
                    .timeout(Duration.ofSeconds(60));
            authorize(request, uri);
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw networkFailure(file, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(HubException.Reason.NETWORK, "interrupted while downloading " + file, e);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                closeQuietly(response);
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status != 200) {
                closeQuietly(response);
                throw httpError(file, status, response.headers());
            }
            return response;
        }
        throw new HubException(HubException.Reason.PROTOCOL, "too many redirects downloading " + file);
    }

    private static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the status already says what went wrong
        }
    }

    /** snapshots/commit/path -> ../../blobs/etag as a relative symlink, or a copy where links are not allowed. */
    private static void link(Path pointer, Path blob) throws IOException {
        Files.createDirectories(pointer.getParent());
        if (Files.isSymbolicLink(pointer)) Files.delete(pointer);   // dangling: its blob was removed
        try {
            Files.createSymbolicLink(pointer, pointer.getParent().relativize(blob));
        } catch (FileAlreadyExistsException e) {
            // another process linked it meanwhile
        } catch (UnsupportedOperationException | IOException e) {
            Path temp = Files.createTempFile(pointer.getParent(), pointer.getFileName().toString(), ".incomplete");
            try {
                Files.copy(blob, temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, pointer, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                // another process copied it meanwhile
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, content);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
