package verba.server.kyutai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import verba.audio.Pcm;
import verba.audio.WavWriter;
import verba.engine.AudioQueue;
import verba.engine.EngineSession;
import verba.engine.NoFreeSlotException;
import verba.engine.SynthesisOptions;
import verba.engine.Voice;
import verba.text.KyutaiTextNormalizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/tts_streaming}: JSON {@code {"text", "voice"}} in, a WAV streamed out frame by frame with unknown
 * sizes (0xFFFFFFFF), as moshi-server does. Waits for a slot up to {@link KyutaiSettings#postSlotWait()}. Only the
 * header carries the key here (no {@code auth_id}).
 */
final class KyutaiPost {

    private static final Logger log = LoggerFactory.getLogger(KyutaiPost.class);
    /** Largest accepted request body. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an engine may stay silent before the response is given up (the slot is freed then). */
    private static final long ENGINE_SILENCE_S = 60;

    private final KyutaiApi api;

    KyutaiPost(KyutaiApi api) {
        this.api = api;
    }

    void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        api.metrics().connected();
        if (!api.keys().allows(KyutaiApi.headerKey(req))) {
            resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            resp.setContentLength(0);
            return;
        }
        String text;
        Voice voice;
        try {
            JsonNode body = JSON.readTree(readBody(req));
            if (body == null || !body.isObject()) throw new IllegalArgumentException("the body must be a JSON object {\"text\": ..., \"voice\": ...}");
            JsonNode t = body.get("text");
            if (t == null || !t.isTextual()) throw new IllegalArgumentException("\"text\" must be a string");
            JsonNode v = body.get("voice");
            if (v != null && !v.isNull() && !v.isTextual()) throw new IllegalArgumentException("\"voice\" must be a string");
            text = t.asText();
            if (KyutaiTextNormalizer.parse(text).isEmpty()) throw new IllegalArgumentException("\"text\" has nothing to speak");
            voice = api.synthesizer().voices().findOrDefault(v == null || v.isNull() ? null : v.asText());
        } catch (BodyTooLarge e) {
            KyutaiServlet.plain(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, e.getMessage());
            return;
        } catch (JsonProcessingException e) {
            KyutaiServlet.plain(resp, HttpServletResponse.SC_BAD_REQUEST, "invalid JSON: " + e.getOriginalMessage());
            return;
        } catch (IllegalArgumentException e) {
            KyutaiServlet.plain(resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }

        AudioQueue events = new AudioQueue();
        EngineSession session;
        try {
            session = api.synthesizer().open(voice, SynthesisOptions.DEFAULT, events,
                    api.settings().postSlotWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (NoFreeSlotException e) {
            KyutaiServlet.plain(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "no free channels: all "
                    + api.synthesizer().slots().capacity() + " synthesis slots stayed busy for "
                    + api.settings().postSlotWait().toSeconds() + " s, try again later");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            KyutaiServlet.plain(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the server is shutting down");
            return;
        }
        stream(session, text, voice, events, resp);
    }

    private void stream(EngineSession session, String text, Voice voice, AudioQueue events,
                        HttpServletResponse resp) {
        boolean done = false;
        long start = System.nanoTime();
        long firstAudio = 0;
        long samples = 0;
        try {
            TextFeed.feed(session, text);
            session.end();
            float[] chunk;
            try {
                chunk = events.next(ENGINE_SILENCE_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception error) {
                // not done: the finally cancels the session, which frees the slot of an engine gone silent
                log.warn("kyutai POST: synthesis failed", error);
                KyutaiServlet.plain(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "synthesis failed: " + error.getMessage());
                return;
            }
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType("audio/wav");
            OutputStream out = resp.getOutputStream();
            out.write(WavWriter.streamingHeader(Pcm.SAMPLE_RATE));
            out.flush();
            FrameBuffer frames = new FrameBuffer();
            while (chunk != AudioQueue.END) {
                if (firstAudio == 0) firstAudio = System.nanoTime();
                for (float[] frame : frames.add(chunk)) {
                    out.write(WavWriter.s16le(frame));
                    samples += frame.length;
                }
                out.flush();
                try {
                    chunk = events.next(ENGINE_SILENCE_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception error) {
                    // The status is already sent; ending the body early is all that is left.
                    log.warn("kyutai POST: synthesis failed mid-stream", error);
                    return; // not done: the finally cancels the session so a silent engine frees its slot
                }
            }
            done = true;
            float[] last = frames.flush();
            if (last != null) {
                out.write(WavWriter.s16le(last));
                samples += last.length;
            }
            out.flush();
            api.metrics().recordSynthesis("kyutai", voice.engine(), samples / (double) Pcm.SAMPLE_RATE,
                    (System.nanoTime() - start) / 1e9, firstAudio == 0 ? Double.NaN : (firstAudio - start) / 1e9);
        } catch (IOException e) {
            log.debug("kyutai POST: client gone mid-stream", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!done) session.cancel(); // client gone or interrupted: free the slot now
        }
    }

    private static byte[] readBody(HttpServletRequest req) throws IOException, BodyTooLarge {
        try (InputStream in = req.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) throw new BodyTooLarge();
            return body;
        }
    }

    private static final class BodyTooLarge extends Exception {
        BodyTooLarge() {
            super("request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
    }
}
