package verba.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * SentencePiece's normaliser on UTF-8 bytes: the precompiled character map (longest rule first), user-defined
 * symbols passed through untouched, removal of leading, trailing and repeated spaces, the dummy prefix and the
 * escaping of spaces as U+2581.
 *
 * <p>The character map blob is {@code u32le trieSize | darts-clone double array | NUL-separated replacements}; a
 * trie value is the offset of its replacement in the last part.
 */
final class SentencePieceNormalizer {

    static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81};
    private static final byte[] REPLACEMENT_CHARACTER = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    /** The library keeps at most this many prefix matches per position (its rules never exceed it). */
    private static final int MAX_TRIE_RESULTS = 32;

    private final boolean addDummyPrefix;
    private final boolean removeExtraWhitespaces;
    private final boolean escapeWhitespaces;
    private final boolean treatWhitespaceAsSuffix;
    private final int[] trie;
    private final byte[] replacements;
    private final PieceTrie userDefinedSymbols;

    /** One step of normalisation: the bytes {@code bytes[from, to)} replace {@code consumed} input bytes. */
    private record Prefix(byte[] bytes, int from, int to, int consumed) {
        boolean isSingleSpace() {
            return to - from == 1 && bytes[from] == ' ';
        }
    }

    SentencePieceNormalizer(SentencePieceModel.NormalizerSpec spec, boolean treatWhitespaceAsSuffix,
                            PieceTrie userDefinedSymbols) throws IOException {
        this.addDummyPrefix = spec.addDummyPrefix();
        this.removeExtraWhitespaces = spec.removeExtraWhitespaces();
        this.escapeWhitespaces = spec.escapeWhitespaces();
        this.treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
        this.userDefinedSymbols = userDefinedSymbols;
        byte[] blob = spec.precompiledCharsmap();
        if (blob.length == 0) {
            trie = null;
            replacements = null;
        } else {
            if (blob.length <= 4) throw new IOException("precompiled_charsmap is broken (" + blob.length + " bytes)");
            long trieSize = readU32(blob, 0);
            if (trieSize >= blob.length) {
                throw new IOException("precompiled_charsmap trie size " + trieSize + " exceeds the blob");
            }
            // The library hands darts-clone trieSize / 4 units; a blob shorter than that would be read past its end.
            if (4 + trieSize > blob.length) throw new IOException("precompiled_charsmap is truncated");
            trie = new int[(int) (trieSize / 4)];
            for (int i = 0; i < trie.length; i++) trie[i] = (int) readU32(blob, 4 + 4 * i);
            replacements = Arrays.copyOfRange(blob, 4 + (int) trieSize, blob.length);
        }
    }

    byte[] normalize(byte[] input) {
        int n = input.length;
        int pos = 0;
        if (removeExtraWhitespaces) {
            while (pos < n) {
                Prefix p = normalizePrefix(input, pos);
                if (!p.isSingleSpace()) break;
                pos += p.consumed();
            }
        }
        if (pos == n) return new byte[0];

        ByteArrayOutputStream out = new ByteArrayOutputStream(3 * n);
        if (!treatWhitespaceAsSuffix && addDummyPrefix) appendSpace(out);
        boolean previousIsSpace = removeExtraWhitespaces;
        while (pos < n) {
            Prefix p = normalizePrefix(input, pos);
            int from = p.from();
            // A rule output that starts with spaces right after a space loses them.
            while (previousIsSpace && from < p.to() && p.bytes()[from] == ' ') from++;
            if (from < p.to()) {
                for (int i = from; i < p.to(); i++) {
                    byte b = p.bytes()[i];
                    if (escapeWhitespaces && b == ' ') appendEscapedSpace(out);
                    else out.write(b);
                }
                previousIsSpace = p.bytes()[p.to() - 1] == ' ';
            }
            pos += p.consumed();
            if (!removeExtraWhitespaces) previousIsSpace = false;
        }

        byte[] normalized = out.toByteArray();
        int length = normalized.length;
        if (removeExtraWhitespaces) {
            byte[] space = escapeWhitespaces ? SPACE_SYMBOL : new byte[] {' '};
            while (endsWith(normalized, length, space)) length -= space.length;
        }
        ByteArrayOutputStream result = new ByteArrayOutputStream(length + 3);
        result.write(normalized, 0, length);
        if (treatWhitespaceAsSuffix && addDummyPrefix) appendSpace(result);
        return result.toByteArray();
    }

    private Prefix normalizePrefix(byte[] input, int pos) {
        int n = input.length;
        if (userDefinedSymbols != null) {
            int length = userDefinedSymbols.longestPrefix(input, pos, n);
            if (length > 0) return new Prefix(input, pos, pos + length, length);
        }
        int longestLength = 0;
        int longestValue = 0;
        if (trie != null) {
            // darts-clone commonPrefixSearch over the double array.
            int found = 0;
            int node = offset(trie[0]);
            for (int i = pos; i < n && found < MAX_TRIE_RESULTS; i++) {
                int c = input[i] & 0xFF;
                node ^= c;
                if (node < 0 || node >= trie.length) break;
                int unit = trie[node];
                if ((unit & 0x800000FF) != c) break;
                node ^= offset(unit);
                if (((unit >>> 8) & 1) == 1) {
                    if (node < 0 || node >= trie.length) throw corrupt();
                    found++;
                    longestLength = i + 1 - pos;
                    longestValue = trie[node] & 0x7FFFFFFF;
                }
            }
        }
        if (longestLength == 0) {
            int length = Utf8.validCharLength(input, pos, n);
            if (length < 0) return new Prefix(REPLACEMENT_CHARACTER, 0, 3, 1);
            return new Prefix(input, pos, pos + length, length);
        }
        if (longestValue >= replacements.length) throw corrupt();
        int end = longestValue;
        while (end < replacements.length && replacements[end] != 0) end++;
        return new Prefix(replacements, longestValue, end, longestLength);
    }

    private void appendSpace(ByteArrayOutputStream out) {
        if (escapeWhitespaces) appendEscapedSpace(out);
        else out.write(' ');
    }

    private static void appendEscapedSpace(ByteArrayOutputStream out) {
        out.write(SPACE_SYMBOL, 0, SPACE_SYMBOL.length);
    }

    private static boolean endsWith(byte[] bytes, int length, byte[] suffix) {
        if (length < suffix.length) return false;
        for (int i = 0; i < suffix.length; i++) {
            if (bytes[length - suffix.length + i] != suffix[i]) return false;
        }
        return true;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static long readU32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static IllegalStateException corrupt() {
        return new IllegalStateException("the model's precompiled_charsmap points outside its data");
    }
}
