package verba.server;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stopping the server lets a response in flight finish, then refuses new connections. */
class GracefulStopTest {

    private static final String BODY = "{\"model\": \"tts-1\", \"voice\": \"alloy\", \"response_format\": \"pcm\", "
            + "\"input\": \"One clause comes first. A second one follows. And the third ends it.\"}";

    @Test
    void aResponseInFlightCompletesWhileTheServerStops() throws Exception {
        TestServer server = TestServer.ready(Map.of());
        int expected;
        HttpRequest health = HttpRequest.newBuilder(server.uri("/health")).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            expected = server.postJson("/v1/audio/speech", BODY).body().length;
            HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/audio/speech"))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            Thread stopper;
            int received;
            try (InputStream body = r.body()) {
                received = body.readNBytes(2).length;
                stopper = Thread.ofPlatform().start(server::close);
                received += body.readAllBytes().length;
            }
            stopper.join();
            assertEquals(expected, received, "the whole response arrived although the server was stopping");
            assertTrue(expected > 24_000);
            assertThrows(java.io.IOException.class, () -> client.send(health, HttpResponse.BodyHandlers.discarding()),
                    "a stopped server accepts nothing");
        }
    }
}
