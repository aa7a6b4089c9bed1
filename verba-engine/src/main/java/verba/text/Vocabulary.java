package verba.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import verba.text.SentencePieceModel.Piece;
import verba.text.SentencePieceModel.PieceType;

/**
 * The pieces of a SentencePiece model, indexed as the library indexes them: normal, user-defined and unused pieces
 * in one trie (the ones segmentation may produce), unknown, control and byte pieces apart (reachable by name only).
 * Construction applies the library's checks, so a model it would refuse is refused here too.
 */
final class Vocabulary {

    private final String[] pieces;
    private final float[] scores;
    private final PieceType[] types;
    private final PieceTrie normalPieces = new PieceTrie();
    private final PieceTrie reservedPieces = new PieceTrie();
    /** Null when the model has no user-defined symbols. */
    private final PieceTrie userDefinedSymbols;
    private final int unkId;
    /** Lowest and highest score over NORMAL pieces; the highest starts at FLT_MIN as in the library. */
    private final float minScore;
    private final float maxScore;
    private final int[] byteIds = new int[256];

    Vocabulary(List<Piece> modelPieces, boolean byteFallback) throws IOException {
        int n = modelPieces.size();
        pieces = new String[n];
        scores = new float[n];
        types = new PieceType[n];
        PieceTrie userDefined = new PieceTrie();
        Set<String> normalNames = new HashSet<>();
        Map<String, Integer> reservedNames = new HashMap<>();
        int unk = -1;
        Arrays.fill(byteIds, -1);
        float min = Float.MAX_VALUE;
        float max = Float.MIN_VALUE;
        for (int id = 0; id < n; id++) {
            Piece p = modelPieces.get(id);
            pieces[id] = p.piece();
            scores[id] = p.score();
            types[id] = p.type();
            if (p.piece().isEmpty()) throw new IOException("piece " + id + " is empty");
            byte[] bytes = p.piece().getBytes(StandardCharsets.UTF_8);
            boolean normal = p.type() == PieceType.NORMAL || p.type() == PieceType.USER_DEFINED
                    || p.type() == PieceType.UNUSED;
            boolean fresh = normal ? normalNames.add(p.piece()) : reservedNames.putIfAbsent(p.piece(), id) == null;
            if (!fresh) throw new IOException("piece " + p.piece() + " is defined twice");
            (normal ? normalPieces : reservedPieces).put(bytes, id);
            switch (p.type()) {
                case USER_DEFINED -> userDefined.put(bytes, id);
                case UNKNOWN -> {
                    if (unk >= 0) throw new IOException("the unknown piece is defined twice");
                    unk = id;
                }
                case BYTE -> {
                    if (!byteFallback) {
                        throw new IOException("byte piece " + p.piece() + " is present although byte_fallback is off");
                    }
                    int b = pieceToByte(p.piece());
                    if (b < 0) throw new IOException("byte piece " + p.piece() + " is invalid");
                    byteIds[b] = id;
                }
                case NORMAL -> {
                    min = Math.min(min, p.score());
                    max = Math.max(max, p.score());
                }
                default -> { }
            }
        }
        if (unk < 0) throw new IOException("the model defines no unknown piece");
        if (byteFallback) {
            for (int b = 0; b < 256; b++) {
                if (byteIds[b] < 0) throw new IOException("byte_fallback is on but the model lacks " + byteToPiece(b));
            }
        }
        unkId = unk;
        minScore = min;
        maxScore = max;
        userDefinedSymbols = userDefined.isEmpty() ? null : userDefined;
    }

    int size() {
        return pieces.length;
    }

    String piece(int id) {
        return pieces[id];
    }

    float score(int id) {
        return scores[id];
    }

    PieceType type(int id) {
        return types[id];
    }

    int unkId() {
        return unkId;
    }

    float minScore() {
        return minScore;
    }

    float maxScore() {
        return maxScore;
    }

    PieceTrie normalPieces() {
        return normalPieces;
    }

    /** The user-defined symbols, or null when there are none. */
    PieceTrie userDefinedSymbols() {
        return userDefinedSymbols;
    }

    /** The id of the byte piece {@code <0xXX>} (byte-fallback models only). */
    int byteId(int b) {
        return byteIds[b & 0xFF];
    }

    /** Reserved (unknown, control, byte) pieces first, then the others; the unknown id when neither has it. */
    int pieceToId(byte[] text, int from, int to) {
        int id = reservedPieces.get(text, from, to);
        if (id >= 0) return id;
        id = normalPieces.get(text, from, to);
        return id >= 0 ? id : unkId;
    }

    int pieceToId(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        return pieceToId(bytes, 0, bytes.length);
    }

    static String byteToPiece(int b) {
        return String.format("<0x%02X>", b & 0xFF);
    }

    /** The byte a {@code <0xXX>} piece stands for (upper-case hex, exactly two digits), or -1. */
    static int pieceToByte(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') return -1;
        int hi = upperHexDigit(piece.charAt(3));
        int lo = upperHexDigit(piece.charAt(4));
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static int upperHexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
