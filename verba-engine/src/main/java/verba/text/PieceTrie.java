package verba.text;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A byte trie over UTF-8 piece strings, mapping each to an int (a vocabulary id). Serves exact lookups, the
 * common-prefix search of the unigram lattice, and longest-prefix matching of user-defined symbols.
 */
final class PieceTrie {

    /** Visits one match of a common-prefix search. */
    interface PrefixVisitor {
        void visit(int end, int value);
    }

    private final Map<Long, Integer> edges = new HashMap<>();
    private int[] values = {-1};
    private int nodeCount = 1;

    /** Adds (or replaces) {@code key -> value}; {@code value} must be non-negative. */
    void put(byte[] key, int value) {
        int node = 0;
        for (byte b : key) {
            long edge = edgeKey(node, b);
            Integer next = edges.get(edge);
            if (next == null) {
                next = nodeCount++;
                if (nodeCount > values.length) {
                    int old = values.length;
                    values = Arrays.copyOf(values, old * 2);
                    Arrays.fill(values, old, values.length, -1);
                }
                edges.put(edge, next);
            }
            node = next;
        }
        values[node] = value;
    }

    boolean isEmpty() {
        return nodeCount == 1;
    }

    /** The value of {@code text[from, to)}, or -1. */
    int get(byte[] text, int from, int to) {
        int node = 0;
        for (int i = from; i < to; i++) {
            Integer next = edges.get(edgeKey(node, text[i]));
            if (next == null) return -1;
            node = next;
        }
        return values[node];
    }

    /** Calls {@code visitor} for every key that is a prefix of {@code text[from, to)}, shortest first. */
    void forEachPrefix(byte[] text, int from, int to, PrefixVisitor visitor) {
        int node = 0;
        for (int i = from; i < to; i++) {
            Integer next = edges.get(edgeKey(node, text[i]));
            if (next == null) return;
            node = next;
            if (values[node] >= 0) visitor.visit(i + 1, values[node]);
        }
    }

    /** The length of the longest key that is a prefix of {@code text[from, to)}, or 0. */
    int longestPrefix(byte[] text, int from, int to) {
        int node = 0;
        int longest = 0;
        for (int i = from; i < to; i++) {
            Integer next = edges.get(edgeKey(node, text[i]));
            if (next == null) break;
            node = next;
            if (values[node] >= 0) longest = i + 1 - from;
        }
        return longest;
    }

    private static long edgeKey(int node, byte b) {
        return ((long) node << 8) | (b & 0xFF);
    }
}
