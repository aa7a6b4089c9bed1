package verba.text;

import java.util.List;

/** Splits normalised text (UTF-8 bytes) into vocabulary pieces: the model-specific half of encoding. */
sealed interface Segmenter permits UnigramSegmenter, BpeSegmenter {

    /** A piece: {@code normalized[from, to)} with its id (the unknown id for text the vocabulary lacks). */
    record Segment(int from, int to, int id) {
    }

    /** The pieces covering {@code normalized} from start to end, in order. */
    List<Segment> segment(byte[] normalized);
}
