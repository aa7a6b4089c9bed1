package verba.server;

import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON error bodies in each API's own shape: OpenAI's {@code {"error": {"message", "type", "param", "code"}}} under
 * {@code /v1/}, FastAPI's {@code {"detail": "..."}} everywhere else (the Monica API and verba's own routes).
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static void send(Context ctx, int status, String message, String param) {
        ctx.status(status);
        if (ctx.path().startsWith("/v1/")) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", message);
            error.put("type", status >= 500 ? "server_error" : "invalid_request_error");
            error.put("param", param);
            error.put("code", status == 401 ? "invalid_api_key" : param == null ? null : "invalid_value");
            ctx.json(Map.of("error", error));
        } else {
            ctx.json(Map.of("detail", message));
        }
    }
}
