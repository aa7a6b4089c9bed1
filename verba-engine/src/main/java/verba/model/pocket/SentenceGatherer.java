package verba.model.pocket;

import java.util.function.ToIntFunction;

/**
 * Gathers streamed text into the pieces a Pocket session generates, so that speech starts as soon as a sentence is
 * complete. The reference cuts a whole text after runs of sentence-end punctuation and packs the sentences into
 * chunks of at most {@value PocketText#MAX_TOKENS_PER_CHUNK} tokens; a stream does not know what follows, so here
 * the sentences complete so far (their end punctuation followed by whitespace) are released together, and
 * {@link PocketText#chunks} then packs and splits them exactly as the reference does. A lone one-word sentence
 * ("Mr.", "Hello.") waits for the next so that abbreviations are not spoken on their own. Text that runs past a
 * chunk's worth of tokens without a sentence end is released at its last clause punctuation, else its last
 * complete word, so that audio does not wait for the end of a long unpunctuated stream.
 */
final class SentenceGatherer {

    private final StringBuilder pending = new StringBuilder();
    private final ToIntFunction<String> tokenCount;
    private final int maxTokens;

    /**
     * @param tokenCount the number of tokens a text encodes to
     * @param maxTokens  tokens of unpunctuated text after which it is released anyway
     */
    SentenceGatherer(ToIntFunction<String> tokenCount, int maxTokens) {
        this.tokenCount = tokenCount;
        this.maxTokens = maxTokens;
    }

    /** Appends a piece; returns the text now ready to be spoken (empty when none is). */
    String add(String piece) {
        pending.append(piece);
        int cut = lastSentenceCut();
        if (cut > 0 && words(pending.substring(0, cut)) > 1) return take(cut);
        int lastSpace = lastSpace();
        if (lastSpace > 0 && tokenCount.applyAsInt(pending.substring(0, lastSpace)) > maxTokens) {
            int clause = lastClauseCut(lastSpace);
            return take(clause > 0 ? clause : lastSpace);
        }
        return "";
    }

    /** Everything still pending (the stream ended or paused). */
    String flush() {
        return take(pending.length());
    }

    private String take(int end) {
        String out = pending.substring(0, end).strip();
        pending.delete(0, end);
        return out;
    }

    /** The index just after the last whitespace that follows a sentence end, or -1. */
    private int lastSentenceCut() {
        for (int i = pending.length() - 1; i > 0; i--) {
            if (!Character.isWhitespace(pending.charAt(i))) continue;
            int j = i - 1;
            while (j >= 0 && isCloser(pending.charAt(j))) j--;
            if (j >= 0 && isSentenceEnd(pending.charAt(j))) return i + 1;
        }
        return -1;
    }

    /** The index just after the last whitespace before {@code limit} that follows a clause mark, or -1. */
    private int lastClauseCut(int limit) {
        for (int i = limit - 1; i > 0; i--) {
            char c = pending.charAt(i - 1);
            if (Character.isWhitespace(pending.charAt(i)) && (c == ',' || c == ';' || c == ':' || isSentenceEnd(c))) {
                return i + 1;
            }
        }
        return -1;
    }

    private int lastSpace() {
        for (int i = pending.length() - 1; i >= 0; i--) if (Character.isWhitespace(pending.charAt(i))) return i + 1;
        return -1;
    }

    private static boolean isSentenceEnd(char c) {
        return c == '.' || c == '!' || c == '?' || c == '…' || c == '。' || c == '！' || c == '？';
    }

    private static boolean isCloser(char c) {
        return c == '"' || c == '\'' || c == ')' || c == ']' || c == '”' || c == '’' || c == '»';
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
