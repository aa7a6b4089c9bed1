package verba.model.pocket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import verba.text.SentencePiece;

/**
 * Pocket TTS text preparation, as the reference ({@code tts_model.py}, v2.1.0) does it: {@code prepare_text_prompt}
 * (whitespace, optional semicolons, a capital first letter, a final period, optional padding), the chunking of long
 * texts into pieces of at most {@value #MAX_TOKENS_PER_CHUNK} tokens on sentence boundaries
 * ({@code split_into_best_sentences}), and the number of frames generated after EOS.
 *
 * <p>The reference works on Python strings; here Python's notions are kept: characters are code points,
 * whitespace is {@code str.isspace()}, and case and letter tests follow {@code str.isupper()},
 * {@code str.upper()} and {@code str.isalnum()}.
 */
public final class PocketText {

    /** {@code MAX_TOKEN_PER_CHUNK} of the reference's {@code default_parameters.py}. */
    public static final int MAX_TOKENS_PER_CHUNK = 50;

    private static final Logger LOG = LoggerFactory.getLogger(PocketText.class);

    /** A prepared prompt, and the frames-after-EOS guess made from its word count. */
    public record Prepared(String text, int framesAfterEosGuess) {
    }

    /**
     * A chunk to generate: its text (which generation tokenizes as is), its tokens, and how many frames to
     * generate after EOS fires.
     */
    public record Chunk(String text, int[] tokens, int framesAfterEos) {
    }

    private final SentencePiece tokenizer;
    private final boolean padWithSpacesForShortInputs;
    private final boolean removeSemicolons;
    private final OptionalInt modelRecommendedFramesAfterEos;

    /**
     * @param padWithSpacesForShortInputs      the config's {@code pad_with_spaces_for_short_inputs}
     * @param removeSemicolons                 the config's {@code remove_semicolons}
     * @param modelRecommendedFramesAfterEos   the config's {@code model_recommended_frames_after_eos}, if set
     */
    public PocketText(SentencePiece tokenizer, boolean padWithSpacesForShortInputs, boolean removeSemicolons,
                      OptionalInt modelRecommendedFramesAfterEos) {
        this.tokenizer = tokenizer;
        this.padWithSpacesForShortInputs = padWithSpacesForShortInputs;
        this.removeSemicolons = removeSemicolons;
        this.modelRecommendedFramesAfterEos = modelRecommendedFramesAfterEos;
    }

    public SentencePiece tokenizer() {
        return tokenizer;
    }

    /** {@code prepare_text_prompt} with this model's options. */
    public Prepared prepare(String text) {
        return prepare(text, padWithSpacesForShortInputs, removeSemicolons);
    }

    /**
     * {@code prepare_text_prompt}: strip; newlines to spaces and one pass of double spaces to single; optionally
     * {@code ;} to {@code ,}; guess 3 frames after EOS for at most four words, else 1; upper-case the first
     * character; append {@code .} when the text ends with a letter or digit; optionally prepend eight spaces to a
     * text of fewer than five words.
     *
     * @throws IllegalArgumentException when the text is empty or only whitespace
     */
    public static Prepared prepare(String text, boolean padWithSpacesForShortInputs, boolean removeSemicolons) {
        text = strip(text);
        if (text.isEmpty()) throw new IllegalArgumentException("Text prompt cannot be empty");
        text = text.replace("\n", " ").replace("\r", " ").replace("  ", " ");
        if (removeSemicolons) text = text.replace(";", ",");
        int guess = wordCount(text) <= 4 ? 3 : 1;

        int first = text.codePointAt(0);
        if (!Character.isUpperCase(first)) {
            text = new String(Character.toChars(first)).toUpperCase(Locale.ROOT)
                    + text.substring(Character.charCount(first));
        }
        if (isAlnum(text.codePointBefore(text.length()))) text = text + ".";
        if (padWithSpacesForShortInputs && wordCount(text) < 5) text = " ".repeat(8) + text;
        return new Prepared(text, guess);
    }

    /** {@link #splitIntoChunks(String, int)} with {@value #MAX_TOKENS_PER_CHUNK} tokens. */
    public List<String> splitIntoChunks(String text) {
        return splitIntoChunks(text, MAX_TOKENS_PER_CHUNK);
    }

    /**
     * {@code split_into_best_sentences}: prepare the whole text, tokenize it, cut after each run of sentence-end
     * tokens (those of {@code ".!...?"} but its first), cut a sentence of more than {@code maxTokens} tokens again
     * after commas, semicolons and colons, then pack the pieces greedily, joined by spaces, into chunks of at most
     * {@code maxTokens} tokens (a single longer piece stays whole).
     *
     * @throws IllegalArgumentException when the text is empty or only whitespace
     */
    public List<String> splitIntoChunks(String text, int maxTokens) {
        String prepared = strip(prepare(text).text());
        int[] tokens = tokenizer.encode(prepared);
        int[] sentenceEnds = withoutFirst(tokenizer.encode(".!...?"));
        List<Segment> sentences = segments(tokens, sentenceEnds);

        int[] clauseEnds = withoutFirst(tokenizer.encode(",;:"));
        List<Segment> refined = new ArrayList<>();
        for (Segment sentence : sentences) {
            if (sentence.tokenCount() <= maxTokens) {
                refined.add(sentence);
                continue;
            }
            List<Segment> clauses = segments(tokenizer.encode(strip(sentence.text())), clauseEnds);
            if (clauses.size() > 1) refined.addAll(clauses);
            else refined.add(sentence);
        }

        List<String> chunks = new ArrayList<>();
        String current = "";
        int currentTokens = 0;
        for (Segment segment : refined) {
            if (current.isEmpty()) {
                current = segment.text();
                currentTokens = segment.tokenCount();
            } else if (currentTokens + segment.tokenCount() > maxTokens) {
                chunks.add(strip(current));
                current = segment.text();
                currentTokens = segment.tokenCount();
            } else {
                current = current + " " + segment.text();
                currentTokens += segment.tokenCount();
            }
        }
        if (!current.isEmpty()) chunks.add(strip(current));

        for (String chunk : chunks) {
            int count = tokenizer.encode(strip(chunk)).length;
            if (count > maxTokens) {
                LOG.warn("Chunk has {} tokens (max {}), generation may skip words: '{}...'", count, maxTokens,
                        chunk.codePoints().limit(50).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                                StringBuilder::append));
            }
        }
        return chunks;
    }

    /**
     * The chunks of a text as generation runs them, each with its tokens and frames after EOS.
     *
     * @param framesAfterEos the caller's {@code frames_after_eos}; when empty, the model's recommended value, else
     *                       the chunk's word-count guess plus 2
     */
    public List<Chunk> chunks(String text, OptionalInt framesAfterEos) {
        List<Chunk> chunks = new ArrayList<>();
        for (String chunk : splitIntoChunks(text)) {
            chunks.add(new Chunk(chunk, tokenizer.encode(chunk), framesAfterEos(chunk, framesAfterEos)));
        }
        return chunks;
    }

    /**
     * Frames to generate after EOS for one chunk: the caller's value, else the model's recommended value, else the
     * chunk's guess ({@link #prepare}: 3 for at most four words, else 1) plus 2.
     */
    public int framesAfterEos(String chunk, OptionalInt requested) {
        if (requested.isPresent()) return requested.getAsInt();
        if (modelRecommendedFramesAfterEos.isPresent()) return modelRecommendedFramesAfterEos.getAsInt();
        return prepare(chunk).framesAfterEosGuess() + 2;
    }

    /** A run of tokens and its decoded text. */
    private record Segment(int tokenCount, String text) {
    }

    /** Cuts {@code tokens} before each token that follows a run of boundary tokens, decoding each part. */
    private List<Segment> segments(int[] tokens, int[] boundaryTokens) {
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        boolean previousIsBoundary = false;
        for (int i = 0; i < tokens.length; i++) {
            if (contains(boundaryTokens, tokens[i])) {
                previousIsBoundary = true;
            } else {
                if (previousIsBoundary) {
                    segments.add(segment(tokens, start, i));
                    start = i;
                }
                previousIsBoundary = false;
            }
        }
        segments.add(segment(tokens, start, tokens.length));
        return segments;
    }

    private Segment segment(int[] tokens, int from, int to) {
        return new Segment(to - from, tokenizer.decode(Arrays.copyOfRange(tokens, from, to)));
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) return true;
        }
        return false;
    }

    private static int[] withoutFirst(int[] ids) {
        return ids.length == 0 ? ids : Arrays.copyOfRange(ids, 1, ids.length);
    }

    /** Python's {@code str.strip()}: removes {@link #isSpace} characters at both ends. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) start += Character.charCount(s.codePointAt(start));
        while (end > start && isSpace(s.codePointBefore(end))) end -= Character.charCount(s.codePointBefore(end));
        return s.substring(start, end);
    }

    /** Python's {@code len(str.split())}. */
    static int wordCount(String s) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean space = isSpace(cp);
            if (!space && !inWord) words++;
            inWord = !space;
            i += Character.charCount(cp);
        }
        return words;
    }

    /**
     * Python's {@code str.isspace()} for one character: Java's whitespace plus the no-break spaces (U+00A0,
     * U+2007, U+202F) and NEL (U+0085), which Python counts and Java does not.
     */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || cp == 0x85 || cp == 0xA0 || cp == 0x2007 || cp == 0x202F;
    }

    /** Python's {@code str.isalnum()} for one character: a letter or any kind of number. */
    static boolean isAlnum(int cp) {
        int type = Character.getType(cp);
        return Character.isLetter(cp) || type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }
}
