package verba.text;

/** UTF-8 byte rules as SentencePiece applies them (its {@code string_util}), on raw byte arrays. */
final class Utf8 {

    private Utf8() {
    }

    /** The length of the character a lead byte starts, from its top four bits (1 for stray trail bytes). */
    static int oneCharLength(byte lead) {
        int top = (lead & 0xFF) >>> 4;
        return top < 12 ? 1 : top < 14 ? 2 : top == 14 ? 3 : 4;
    }

    /**
     * The length of the well-formed character at {@code text[from]}, or -1 when it is malformed (a bad lead byte,
     * a missing trail byte, an overlong form, a surrogate or a value past U+10FFFF).
     */
    static int validCharLength(byte[] text, int from, int to) {
        int len = to - from;
        int b0 = text[from] & 0xFF;
        if (b0 < 0x80) return 1;
        if (len >= 2 && (b0 & 0xE0) == 0xC0) {
            int cp = (b0 & 0x1F) << 6 | (text[from + 1] & 0x3F);
            if (isTrail(text[from + 1]) && cp >= 0x80 && isValidCodepoint(cp)) return 2;
        } else if (len >= 3 && (b0 & 0xF0) == 0xE0) {
            int cp = (b0 & 0x0F) << 12 | (text[from + 1] & 0x3F) << 6 | (text[from + 2] & 0x3F);
            if (isTrail(text[from + 1]) && isTrail(text[from + 2]) && cp >= 0x800 && isValidCodepoint(cp)) return 3;
        } else if (len >= 4 && (b0 & 0xF8) == 0xF0) {
            int cp = (b0 & 0x07) << 18 | (text[from + 1] & 0x3F) << 12 | (text[from + 2] & 0x3F) << 6
                    | (text[from + 3] & 0x3F);
            if (isTrail(text[from + 1]) && isTrail(text[from + 2]) && isTrail(text[from + 3])
                    && cp >= 0x10000 && isValidCodepoint(cp)) {
                return 4;
            }
        }
        return -1;
    }

    private static boolean isTrail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean isValidCodepoint(int cp) {
        return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
    }
}
