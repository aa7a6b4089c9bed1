package verba.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import verba.text.SentencePieceModel.PieceType;
import verba.text.SentencePieceModel.TrainerSpec;

/**
 * A SentencePiece tokenizer read from a {@code .model} file, giving the ids, pieces and decoded text that
 * Google's library gives ({@code SentencePieceProcessor.encode(text)} / {@code decode(ids)}, no BOS/EOS added):
 * its normaliser (precompiled character map, whitespace rules, dummy prefix, U+2581 escaping), unigram or BPE
 * segmentation, unknown runs merged into one piece, or split into {@code <0xXX>} byte pieces when the model has
 * byte fallback. Immutable and thread-safe.
 */
public final class SentencePiece {

    /** The pieces of an encoding and their ids, index for index. */
    public record Encoding(int[] ids, List<String> pieces) {
    }

    private static final String SPACE_SYMBOL = "\u2581";
    /** Real models are a few MB; a file this large is something else, and is not read into memory. */
    private static final long MAX_MODEL_BYTES = 1L << 30;

    private final SentencePieceModel model;
    private final Vocabulary vocabulary;
    private final SentencePieceNormalizer normalizer;
    /** Null when the model has no denormaliser rules. */
    private final SentencePieceNormalizer denormalizer;
    private final Segmenter segmenter;

    private SentencePiece(SentencePieceModel model) throws IOException {
        TrainerSpec trainer = model.trainerSpec();
        this.model = model;
        this.vocabulary = new Vocabulary(model.pieces(), trainer.byteFallback());
        this.normalizer = new SentencePieceNormalizer(model.normalizerSpec(), trainer.treatWhitespaceAsSuffix(),
                vocabulary.userDefinedSymbols());
        this.denormalizer = model.denormalizerSpec() != null
                && model.denormalizerSpec().precompiledCharsmap().length > 0
                ? new SentencePieceNormalizer(model.denormalizerSpec(), false, null) : null;
        this.segmenter = switch (trainer.modelType()) {
            case UNIGRAM -> new UnigramSegmenter(vocabulary);
            case BPE -> new BpeSegmenter(vocabulary);
            case WORD, CHAR -> throw new IOException("SentencePiece model type " + trainer.modelType()
                    + " is not supported (only UNIGRAM and BPE)");
        };
    }

    /** Reads a {@code .model} file; a missing file or one that is not a SentencePiece model is an IOException. */
    public static SentencePiece load(Path path) throws IOException {
        byte[] bytes;
        try {
            long size = Files.size(path);
            bytes = size > MAX_MODEL_BYTES ? null : Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": no such file", e);
        } catch (IOException e) {
            throw new IOException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (bytes == null) throw new IOException(path + ": not a SentencePiece model (larger than 1 GiB)");
        try {
            return fromModel(SentencePieceModel.parse(bytes));
        } catch (IOException e) {
            throw new IOException(path + ": not a SentencePiece model (" + e.getMessage() + ")", e);
        }
    }

    public static SentencePiece fromModel(SentencePieceModel model) throws IOException {
        if (model.pieces().isEmpty()) throw new IOException("the model has no pieces");
        return new SentencePiece(model);
    }

    public SentencePieceModel model() {
        return model;
    }

    public int[] encode(String text) {
        return encodeWithPieces(text).ids();
    }

    public List<String> encodePieces(String text) {
        return encodeWithPieces(text).pieces();
    }

    public Encoding encodeWithPieces(String text) {
        byte[] normalized = normalizer.normalize(text.getBytes(StandardCharsets.UTF_8));
        List<Segmenter.Segment> segments = segmenter.segment(normalized);
        boolean byteFallback = model.trainerSpec().byteFallback();
        List<byte[]> pieces = new ArrayList<>(segments.size());
        // Every piece covers at least one normalised byte, so there are never more ids than bytes.
        int[] ids = new int[normalized.length];
        int count = 0;
        boolean previousIsUnknown = false;
        for (Segmenter.Segment s : segments) {
            boolean unknown = vocabulary.type(s.id()) == PieceType.UNKNOWN;
            if (unknown && byteFallback) {
                for (int i = s.from(); i < s.to(); i++) {
                    pieces.add(Vocabulary.byteToPiece(normalized[i]).getBytes(StandardCharsets.US_ASCII));
                    ids[count++] = vocabulary.byteId(normalized[i]);
                }
            } else if (unknown && previousIsUnknown) {
                // A run of unknown characters is one unknown piece.
                byte[] last = pieces.getLast();
                byte[] merged = Arrays.copyOf(last, last.length + s.to() - s.from());
                System.arraycopy(normalized, s.from(), merged, last.length, s.to() - s.from());
                pieces.set(pieces.size() - 1, merged);
            } else {
                pieces.add(Arrays.copyOfRange(normalized, s.from(), s.to()));
                ids[count++] = s.id();
            }
            previousIsUnknown = unknown;
        }
        List<String> pieceStrings = new ArrayList<>(pieces.size());
        for (byte[] p : pieces) pieceStrings.add(new String(p, StandardCharsets.UTF_8));
        return new Encoding(Arrays.copyOf(ids, count), List.copyOf(pieceStrings));
    }

    /**
     * The text of {@code ids}: control pieces vanish, the unknown piece reads as the model's unk surface
     * (" \u2047 " by default), runs of byte pieces are reassembled as UTF-8 (U+FFFD per malformed byte), U+2581
     * becomes a space, and the leading space that the dummy prefix added is dropped.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (size "
                        + vocabulary.size() + ")");
            }
        }
        var normalizerSpec = model.normalizerSpec();
        boolean stripLeadingSpace = normalizerSpec.addDummyPrefix() || normalizerSpec.removeExtraWhitespaces();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ByteArrayOutputStream bytePieces = new ByteArrayOutputStream();
        boolean expectLeadingSpace = true;
        boolean leadingSpaceSeen = false;
        for (int id : ids) {
            // Pieces are looked up again by name, as the library decodes through piece strings.
            String piece = vocabulary.piece(id);
            int pieceId = vocabulary.pieceToId(piece);
            if (vocabulary.type(pieceId) == PieceType.BYTE) {
                bytePieces.write(Vocabulary.pieceToByte(piece));
                continue;
            }
            flushBytes(bytePieces, text);
            if (leadingSpaceSeen || text.size() > 0) expectLeadingSpace = false;
            leadingSpaceSeen = false;
            String surface;
            switch (vocabulary.type(pieceId)) {
                case CONTROL -> surface = "";
                case UNKNOWN -> surface = vocabulary.piece(pieceId).equals(piece) ? model.trainerSpec().unkSurface() : piece;
                default -> {
                    if (expectLeadingSpace && stripLeadingSpace && piece.startsWith(SPACE_SYMBOL)) {
                        piece = piece.substring(SPACE_SYMBOL.length());
                        // With extra whitespace removal every leading space goes, not only the first.
                        leadingSpaceSeen = !normalizerSpec.removeExtraWhitespaces();
                    }
                    surface = piece.replace(SPACE_SYMBOL, " ");
                }
            }
            text.writeBytes(surface.getBytes(StandardCharsets.UTF_8));
        }
        flushBytes(bytePieces, text);
        byte[] decoded = text.toByteArray();
        if (denormalizer != null) decoded = denormalizer.normalize(decoded);
        return new String(decoded, StandardCharsets.UTF_8);
    }

    /** Appends pending byte pieces as UTF-8 characters, each malformed byte as U+FFFD. */
    private static void flushBytes(ByteArrayOutputStream pending, ByteArrayOutputStream text) {
        if (pending.size() == 0) return;
        byte[] bytes = pending.toByteArray();
        pending.reset();
        for (int i = 0; i < bytes.length; ) {
            int length = Utf8.validCharLength(bytes, i, bytes.length);
            if (length < 0) {
                text.writeBytes("\uFFFD".getBytes(StandardCharsets.UTF_8));
                i++;
            } else {
                text.write(bytes, i, length);
                i += length;
            }
        }
    }

    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of a piece, or the unknown id when the vocabulary lacks it. */
    public int pieceToId(String piece) {
        return vocabulary.pieceToId(piece);
    }

    public String idToPiece(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        }
        return vocabulary.piece(id);
    }

    public int unkId() {
        return specialId(model.trainerSpec().unkPiece(), "<unk>", PieceType.UNKNOWN);
    }

    public int bosId() {
        return specialId(model.trainerSpec().bosPiece(), "<s>", PieceType.CONTROL);
    }

    public int eosId() {
        return specialId(model.trainerSpec().eosPiece(), "</s>", PieceType.CONTROL);
    }

    public int padId() {
        return specialId(model.trainerSpec().padPiece(), "<pad>", PieceType.CONTROL);
    }

    /** As the library: the id of the named piece when it has the expected type, else -1. */
    private int specialId(String name, String defaultName, PieceType expected) {
        int id = vocabulary.pieceToId(name.isEmpty() ? defaultName : name);
        return vocabulary.type(id) == expected ? id : -1;
    }
}
