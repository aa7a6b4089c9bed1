package verba.server.monica;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import verba.audio.WavWriter;
import verba.engine.VoiceRegistry;
import verba.marytts.MaryEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Monica reference: read, cropped, and with embedded engines only, not used, and the log says why. */
class ReferenceAudioTest {

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ReferenceAudio.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(Level.INFO); // whatever level an earlier test left on the root logger
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
        logger.setLevel(null);
    }

    private List<String> messages() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aLongReferenceIsCroppedAndWithoutACloningEngineTheDefaultVoiceSpeaks() throws Exception {
        Path wav = dir.resolve("monica.wav");
        float[] tone = new float[44_100 * 5];
        for (int i = 0; i < tone.length; i++) tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 44_100.0));
        WavWriter.write(wav, tone, 44_100);

        Optional<ReferenceAudio> reference = ReferenceAudio.read(wav, true, 2.0);
        assertTrue(reference.isPresent());
        assertTrue(messages().contains("Cropping reference from 5.0s to 2.0s"), messages().toString());

        VoiceRegistry voices = new VoiceRegistry(List.of(MaryEngine.start()), null);
        assertEquals("mary/cmu-slt-hsmm", ReferenceAudio.voiceFor(reference, voices).id());
        assertTrue(messages().stream().anyMatch(m -> m.startsWith("No loaded engine can clone voices")), messages().toString());
    }

    @Test
    void aMissingConfiguredReferenceIsAWarningNotAFailure() {
        assertTrue(ReferenceAudio.read(dir.resolve("absent.wav"), true, 120).isEmpty());
        ILoggingEvent event = logged.list.getFirst();
        assertEquals("WARN", event.getLevel().toString());
        assertTrue(event.getFormattedMessage().contains("absent.wav not found"), event.getFormattedMessage());
    }

    @Test
    void anUnreadableReferenceIsAWarningNotAFailure() throws Exception {
        Path junk = dir.resolve("junk.wav");
        Files.writeString(junk, "this is not a wav file");
        assertTrue(ReferenceAudio.read(junk, true, 120).isEmpty());
        assertTrue(messages().getLast().contains("cannot be used"), messages().toString());
    }
}
