package verba.server.kyutai;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.websocket.server.JettyWebSocketServletFactory;
import verba.engine.Voice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The Kyutai route: WebSocket upgrades on GET (checked before the upgrade: format 400, voice name 400, key 401) and
 * whole-text WAV on POST. A servlet of its own rather than a Javalin WebSocket route because the protocol needs
 * every inbound frame (pongs reset the idle timer), which Javalin's handler does not expose.
 */
final class KyutaiServlet extends JettyWebSocketServlet {

    private static final String FORMAT = "verba.kyutai.format";
    private static final String VOICE = "verba.kyutai.voice";

    private final KyutaiApi api;
    private final KyutaiPost post;

    KyutaiServlet(KyutaiApi api, KyutaiPost post) {
        this.api = api;
        this.post = post;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        factory.setMaxBinaryMessageSize(KyutaiSettings.MAX_INBOUND_BYTES);
        factory.setMaxTextMessageSize(KyutaiSettings.MAX_INBOUND_BYTES);
        // The protocol's own idle rule (inbound silence) closes first; our pings keep Jetty's timer from firing.
        factory.setIdleTimeout(api.settings().idleClose().multipliedBy(2));
        factory.setCreator((req, resp) -> api.connection(
                (OutputFormat) req.getHttpServletRequest().getAttribute(FORMAT),
                (Voice) req.getHttpServletRequest().getAttribute(VOICE)));
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        switch (req.getMethod()) {
            case "POST" -> post.handle(req, resp);
            case "GET" -> upgrade(req, resp);
            default -> super.service(req, resp);
        }
    }

    private void upgrade(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        OutputFormat format;
        Voice voice;
        try {
            format = OutputFormat.parse(req.getParameter("format"));
            voice = api.synthesizer().voices().findOrDefault(req.getParameter("voice"));
        } catch (IllegalArgumentException e) {
            plain(resp, HttpServletResponse.SC_BAD_REQUEST, "Failed to deserialize query string: " + e.getMessage());
            return;
        }
        // The header wins when present, even with a wrong key; auth_id is for browsers, which cannot set headers.
        String key = KyutaiApi.headerKey(req);
        if (key == null) key = req.getParameter("auth_id");
        if (!api.keys().allows(key)) {
            resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            resp.setContentLength(0);
            return;
        }
        req.setAttribute(FORMAT, format);
        req.setAttribute(VOICE, voice);
        super.service(req, resp); // upgrades, or falls through to doGet when the request is no upgrade
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        plain(resp, HttpServletResponse.SC_BAD_REQUEST, req.getRequestURI() + " is a WebSocket endpoint: connect "
                + "with a WebSocket client, or POST JSON {\"text\": ..., \"voice\": ...} to get a WAV");
    }

    static void plain(HttpServletResponse resp, int status, String message) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
