package verba.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import verba.text.SentencePieceModel.PieceType;

/**
 * Unigram segmentation: the best path through the lattice of vocabulary pieces, scored by the sum of piece
 * log-probabilities (the library's optimised Viterbi, positions in bytes). A character that no piece of its own
 * length covers gets an unknown node scored {@code minScore - 10}. Path scores add in float: on near-ties
 * (runs of dots) the released library picks the paths that float sums pick, not those of double sums. Ties keep
 * the first path found (pieces starting earlier, then shorter pieces, come first).
 */
final class UnigramSegmenter implements Segmenter {

    private static final float UNK_PENALTY = 10.0f;

    private final Vocabulary vocabulary;

    UnigramSegmenter(Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    @Override
    public List<Segment> segment(byte[] text) {
        int size = text.length;
        if (size == 0) return List.of();
        float unkScore = vocabulary.minScore() - UNK_PENALTY;
        float[] bestScore = new float[size + 1];
        int[] startsAt = new int[size + 1];
        int[] ids = new int[size + 1];
        Arrays.fill(startsAt, -1);
        Arrays.fill(ids, -1);

        int start = 0;
        while (start < size) {
            final int from = start;
            final float scoreTillHere = bestScore[from];
            final int charLength = Math.min(Utf8.oneCharLength(text[from]), size - from);
            boolean[] hasSingleNode = {false};
            vocabulary.normalPieces().forEachPrefix(text, from, size, (end, id) -> {
                PieceType type = vocabulary.type(id);
                if (type == PieceType.UNUSED) return;
                int length = end - from;
                // User-defined symbols get a bonus so that they always win.
                float score = type == PieceType.USER_DEFINED
                        ? length * vocabulary.maxScore() - 0.1f
                        : vocabulary.score(id);
                float candidate = score + scoreTillHere;
                if (startsAt[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = candidate;
                    startsAt[end] = from;
                    ids[end] = id;
                }
                if (length == charLength) hasSingleNode[0] = true;
            });
            if (!hasSingleNode[0]) {
                int end = from + charLength;
                float candidate = unkScore + scoreTillHere;
                if (startsAt[end] == -1 || candidate > bestScore[end]) {
                    bestScore[end] = candidate;
                    startsAt[end] = from;
                    ids[end] = vocabulary.unkId();
                }
            }
            start += charLength;
        }

        List<Segment> segments = new ArrayList<>();
        for (int end = size; end > 0; end = startsAt[end]) {
            segments.add(new Segment(startsAt[end], end, ids[end]));
        }
        Collections.reverse(segments);
        return segments;
    }
}
