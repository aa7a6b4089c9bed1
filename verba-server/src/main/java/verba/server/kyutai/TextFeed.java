package verba.server.kyutai;

import verba.engine.EngineSession;
import verba.text.KyutaiTextNormalizer;
import verba.text.KyutaiTextNormalizer.Pause;
import verba.text.KyutaiTextNormalizer.Piece;
import verba.text.KyutaiTextNormalizer.Word;

import java.util.List;

/** Feeds one Kyutai text message into a session: normalised words, break tags as pauses. */
final class TextFeed {

    private TextFeed() {
    }

    /**
     * Each message ends a word, as in moshi-server, which tokenises every message on its own: the one-word-per-message
     * client ({@code tts_rust_server.py}) sends words without spaces.
     *
     * @return whether the message held anything to speak
     */
    static boolean feed(EngineSession session, String message) {
        List<Piece> pieces = KyutaiTextNormalizer.parse(message);
        StringBuilder words = new StringBuilder();
        for (Piece piece : pieces) {
            switch (piece) {
                case Word w -> words.append(w.text()).append(' ');
                case Pause p -> {
                    if (!words.isEmpty()) session.text(words.toString());
                    words.setLength(0);
                    session.pause(p.seconds());
                }
            }
        }
        if (!words.isEmpty()) session.text(words.toString());
        return !pieces.isEmpty();
    }
}
