package verba.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text preprocessing of moshi-server's TTS ({@code tts_preprocess.rs}), applied to each text message a Kyutai
 * client sends: {@code <break time="1.5s"/>} tags become pauses, then {@code ’} becomes {@code '}, {@code –} and
 * parentheses are removed, {@code :} becomes a space, and what is left splits into words on whitespace.
 */
public final class KyutaiTextNormalizer {

    /** The longest pause one break tag may ask for, as in moshi-server. */
    public static final double MAX_PAUSE_SECONDS = 10.0;

    private static final Pattern BREAK = Pattern.compile("<break\\s+time=\"([0-9.]+)s\"\\s*/>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    /** One element of the input: a word to speak or a pause. */
    public sealed interface Piece permits Word, Pause {
    }

    public record Word(String text) implements Piece {
    }

    public record Pause(double seconds) implements Piece {
    }

    private KyutaiTextNormalizer() {
    }

    /** The words and pauses of one text message, in order. */
    public static List<Piece> parse(String text) {
        List<Piece> pieces = new ArrayList<>();
        Matcher m = BREAK.matcher(text);
        int from = 0;
        while (m.find()) {
            addWords(text.substring(from, m.start()), pieces);
            double seconds = parseSeconds(m.group(1));
            if (seconds > 0) pieces.add(new Pause(Math.min(seconds, MAX_PAUSE_SECONDS)));
            from = m.end();
        }
        addWords(text.substring(from), pieces);
        return pieces;
    }

    /** The words of a text with the normalisation applied, break tags left as they are. */
    public static List<String> words(String text) {
        String normalized = text.replace('’', '\'')
                .replace("–", "")
                .replace(':', ' ')
                .replace("(", "")
                .replace(")", "");
        List<String> words = new ArrayList<>();
        for (String w : WHITESPACE.split(normalized)) if (!w.isEmpty()) words.add(w);
        return words;
    }

    private static void addWords(String text, List<Piece> pieces) {
        for (String w : words(text)) pieces.add(new Word(w));
    }

    /** "1.2.3" matches the tag's character class but is no number: such a tag is dropped, as moshi-server does. */
    private static double parseSeconds(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
