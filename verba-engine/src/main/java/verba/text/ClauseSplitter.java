package verba.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts streamed text into clauses as soon as they are complete, so that an engine which speaks a clause at a time
 * can start before the whole text has arrived.
 *
 * <p>Pieces go in through {@link #add}; a piece may end in the middle of a word. A clause ends at clause or
 * sentence punctuation ({@code . ! ? ; : , …}) that is followed by whitespace. Closing quotes and brackets right
 * after the punctuation stay with the clause ({@code "Yes."}, {@code (sic!)}), and so do marks and guillemets that
 * French typography puts after a no-break space ({@code Oui\u00A0!\u00A0»}); a mark after an ordinary space ends
 * the clause it follows ({@code Quoi ?}). CJK marks ({@code 。！？；：，、} and full-width forms) end a clause
 * whatever follows, since CJK text has no spaces. Not clause ends: decimal points and times ({@code 3.5},
 * {@code 10:30}, {@code 1,000}, {@code 1…5}: no whitespace follows), abbreviations and initials ({@code Mr.},
 * {@code M.}, {@code e.g.}, {@code J. K.}). Because a mark counts only once the character after it is known, a piece
 * ending right after a mark keeps that clause pending until the next piece or {@link #flush()}.
 *
 * <p>A text without punctuation is still cut, at a space, once it grows past {@value #MAX_CLAUSE_CHARS} characters,
 * so that the first audio never waits for the end of a long unpunctuated stream.
 *
 * <p>Not thread-safe: one feeder.
 */
public final class ClauseSplitter {

    /** Past this many characters without a clause end, the text is cut at its last space. */
    public static final int MAX_CLAUSE_CHARS = 300;

    private static final String WESTERN_MARKS = ".!?;:,…";
    private static final String CJK_MARKS = "。！？；：，、．｡､";
    private static final String CLOSERS = "\"')]}»”’」』）】〉》";
    /** The no-break spaces French typography puts before {@code ! ? ; : »}. */
    private static final String FRENCH_SPACES = "\u00A0\u202F";

    /** Lower-case words that, followed by a dot, abbreviate rather than end a sentence (English and French). */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "mx", "dr", "prof", "st", "jr", "sr", "sgt", "capt", "col", "gen", "lt", "mt", "rev",
            "hon", "gov", "vs", "cf", "approx", "fig", "figs", "vol", "ch", "dept",
            "mme", "mmes", "mlle", "mlles", "mm", "pr", "ste", "av", "bd", "ex", "env");

    private final StringBuilder pending = new StringBuilder();
    /** Where the next scan starts: everything before it is known not to end a clause. */
    private int scanFrom;

    /** Appends a piece of text and returns the clauses it completed, in order (trimmed, never empty). */
    public List<String> add(String piece) {
        pending.append(piece);
        List<String> clauses = new ArrayList<>();
        int i = scanFrom;
        while (i < pending.length()) {
            char c = pending.charAt(i);
            boolean western = WESTERN_MARKS.indexOf(c) >= 0;
            if (!western && CJK_MARKS.indexOf(c) < 0) {
                i++;
                continue;
            }
            int end = endOfMarks(i);
            if (end < 0) break; // the text stops inside the marks: undecided until more arrives
            if (end == pending.length()) break; // the character after the marks is not known yet
            boolean cut = western
                    ? isSpace(pending.charAt(end)) && !(c == '.' && end == i + 1 && isAbbreviation(i))
                    : true;
            if (cut) {
                emit(end, clauses);
                i = 0;
            } else {
                i = end;
            }
        }
        scanFrom = i;
        cutIfTooLong(clauses);
        return clauses;
    }

    /** Returns what is left (trimmed; empty when nothing is) and starts over. Call at end of stream. */
    public String flush() {
        String rest = pending.toString().strip();
        pending.setLength(0);
        scanFrom = 0;
        return rest;
    }

    /**
     * The index just after the run of marks and closers that starts at {@code at}, or -1 when the text ends in
     * no-break spaces after which a French {@code »} or {@code ?} could still follow.
     */
    private int endOfMarks(int at) {
        int i = at + 1;
        while (i < pending.length()) {
            char c = pending.charAt(i);
            if (WESTERN_MARKS.indexOf(c) >= 0 || CJK_MARKS.indexOf(c) >= 0 || CLOSERS.indexOf(c) >= 0) {
                i++;
            } else if (FRENCH_SPACES.indexOf(c) >= 0) {
                // "Oui\u202F!\u00A0»": French typography binds the mark or guillemet to this clause
                int j = i;
                while (j < pending.length() && FRENCH_SPACES.indexOf(pending.charAt(j)) >= 0) j++;
                if (j == pending.length()) return -1;
                char next = pending.charAt(j);
                if (next != '»' && "!?;:".indexOf(next) < 0) return i;
                i = j;
            } else {
                return i;
            }
        }
        return i;
    }

    /** Whether the dot at {@code dot} ends an abbreviation or an initial rather than a sentence. */
    private boolean isAbbreviation(int dot) {
        int start = dot;
        while (start > 0 && !isSpace(pending.charAt(start - 1))) start--;
        String word = pending.substring(start, dot);
        while (!word.isEmpty() && !Character.isLetterOrDigit(word.charAt(0))) word = word.substring(1);
        if (word.isEmpty()) return false;
        if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) return !word.equals("I"); // "J. K.", "M."
        if (word.indexOf('.') > 0) return word.chars().allMatch(ch -> ch == '.' || Character.isLetter(ch)); // e.g
        return ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT));
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private void emit(int end, List<String> clauses) {
        String clause = pending.substring(0, end).strip();
        pending.delete(0, end);
        if (!clause.isEmpty()) clauses.add(clause);
    }

    private void cutIfTooLong(List<String> clauses) {
        while (pending.length() > MAX_CLAUSE_CHARS) {
            int space = -1;
            for (int i = MAX_CLAUSE_CHARS; i > 0; i--) {
                if (isSpace(pending.charAt(i))) {
                    space = i;
                    break;
                }
            }
            if (space < 0) return; // one enormous word: nothing sensible to cut
            emit(space, clauses);
            scanFrom = Math.max(0, scanFrom - space);
        }
    }
}
