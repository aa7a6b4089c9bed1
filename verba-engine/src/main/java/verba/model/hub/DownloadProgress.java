package verba.model.hub;

import org.slf4j.Logger;

/** Told how a download advances: at the start, about every megabyte, and at the end. */
@FunctionalInterface
public interface DownloadProgress {

    DownloadProgress NONE = (file, received, total) -> { };

    /**
     * @param received bytes written so far
     * @param total    the expected size in bytes, or -1 when the server did not say
     */
    void update(HubFile file, long received, long total);

    /** Logs each download at INFO when it starts, at every tenth of its size and when it ends. */
    static DownloadProgress logTo(Logger log) {
        return new DownloadProgress() {
            private long lastTenth = -1;

            @Override
            public void update(HubFile file, long received, long total) {
                if (received == 0) {
                    lastTenth = 0;
                    log.info("Downloading {} ({})", file, total < 0 ? "size unknown" : megabytes(total));
                    return;
                }
                long tenth = total > 0 ? received * 10 / total : lastTenth;
                if (tenth > lastTenth) {
                    lastTenth = tenth;
                    log.info("Downloading {}: {} of {} ({}%)", file, megabytes(received), megabytes(total), tenth * 10);
                }
            }

            private static String megabytes(long bytes) {
                return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
            }
        };
    }
}
