package verba.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Answers 503 on a servlet route (the Kyutai one) until the engines are ready; Javalin routes use {@link EngineState#require}. */
final class ReadinessFilter implements Filter {

    private final EngineState state;

    ReadinessFilter(EngineState state) {
        this.state = state;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        if (state.isReady()) {
            chain.doFilter(req, resp);
            return;
        }
        HttpServletResponse http = (HttpServletResponse) resp;
        http.setStatus(503);
        http.setContentType("application/json");
        http.getOutputStream().write("{\"detail\":\"model is not loaded yet, retry in a few seconds\"}".getBytes(StandardCharsets.UTF_8));
    }
}
