package verba.model.hub;

/** Told how a download advances: at the start, about every megabyte, and at the end. */
@FunctionalInterface
public interface DownloadProgress {

    DownloadProgress NONE = (file, received, total) -> { };

    /**
     * @param received bytes written so far
     * @param total    the expected size in bytes, or -1 when the server did not say
     */
    void update(HubFile file, long received, long total);
}
