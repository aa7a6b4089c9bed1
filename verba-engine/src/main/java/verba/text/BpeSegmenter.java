package verba.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import verba.text.SentencePieceModel.PieceType;

/**
 * BPE segmentation as the library does it: start from characters (user-defined symbols whole and frozen), then
 * repeatedly merge the adjacent pair whose concatenation is the highest-scoring vocabulary piece, the leftmost
 * on ties. Merges that produced an unused piece are undone afterwards, back into pieces that are in use.
 */
final class BpeSegmenter implements Segmenter {

    private final Vocabulary vocabulary;

    BpeSegmenter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    private record Pair(int left, int right, float score, int size) {
    }

    @Override
    public List<Segment> segment(byte[] text) {
        int n = text.length;
        if (n == 0) return List.of();
        // Symbols are text[begin[i], begin[i] + length[i]), linked through prev/next; a merged-away one is empty.
        int[] begin = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] frozen = new boolean[n];
        int count = 0;
        PieceTrie userDefined = vocabulary.userDefinedSymbols();
        for (int pos = 0; pos < n; count++) {
            int matched = userDefined == null ? 0 : userDefined.longestPrefix(text, pos, n);
            frozen[count] = matched > 0;
            int len = matched > 0 ? matched : Math.min(Utf8.oneCharLength(text[pos]), n - pos);
            begin[count] = pos;
            length[count] = len;
            prev[count] = count - 1;
            pos += len;
            next[count] = pos < n ? count + 1 : -1;
        }

        PriorityQueue<Pair> agenda = new PriorityQueue<>((a, b) -> a.score() != b.score()
                ? Float.compare(b.score(), a.score()) : Integer.compare(a.left(), b.left()));
        // For unused pieces: merged piece text -> length of its left part, to split it again at the end.
        Map<String, Integer> reverseMerges = new HashMap<>();

        for (int i = 1; i < count; i++) addPair(text, i - 1, i, begin, length, frozen, agenda, reverseMerges);

        while (!agenda.isEmpty()) {
            Pair top = agenda.poll();
            int left = top.left();
            int right = top.right();
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != top.size()) continue;
            length[left] += length[right];
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            length[right] = 0;
            addPair(text, prev[left], left, begin, length, frozen, agenda, reverseMerges);
            addPair(text, left, next[left], begin, length, frozen, agenda, reverseMerges);
        }

        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i != -1; i = next[i]) {
            resegment(text, begin[i], begin[i] + length[i], reverseMerges, segments);
        }
        return segments;
    }

    private void addPair(byte[] text, int left, int right, int[] begin, int[] length, boolean[] frozen,
                         PriorityQueue<Pair> agenda, Map<String, Integer> reverseMerges) {
        if (left == -1 || right == -1 || frozen[left] || frozen[right]) return;
        int from = begin[left];
        int size = length[left] + length[right];
        int id = vocabulary.normalPieces().get(text, from, from + size);
        if (id < 0) return;
        agenda.add(new Pair(left, right, vocabulary.score(id), size));
        if (vocabulary.type(id) == PieceType.UNUSED) reverseMerges.put(key(text, from, from + size), length[left]);
    }

    private void resegment(byte[] text, int from, int to, Map<String, Integer> reverseMerges, List<Segment> out) {
        int id = vocabulary.pieceToId(text, from, to);
        Integer leftLength = vocabulary.type(id) == PieceType.UNUSED ? reverseMerges.get(key(text, from, to)) : null;
        if (leftLength == null) {
            out.add(new Segment(from, to, id));
            return;
        }
        resegment(text, from, from + leftLength, reverseMerges, out);
        resegment(text, from + leftLength, to, reverseMerges, out);
    }

    /** A map key for a byte range: one char per byte. */
    private static String key(byte[] text, int from, int to) {
        return new String(text, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
