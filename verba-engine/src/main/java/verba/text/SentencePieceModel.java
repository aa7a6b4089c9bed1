package verba.text;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of a SentencePiece {@code .model} file: the protobuf {@code ModelProto} of
 * {@code sentencepiece_model.proto}, read field by field with the schema's proto2 defaults. Only the fields that
 * encoding and decoding use are kept; training-only fields are skipped.
 *
 * @param denormalizerSpec the spec applied to decoded text, or {@code null} when the file has none
 */
public record SentencePieceModel(List<Piece> pieces, TrainerSpec trainerSpec, NormalizerSpec normalizerSpec,
                                 NormalizerSpec denormalizerSpec) {

    public enum PieceType {
        NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

        static PieceType fromWire(int value) throws IOException {
            return switch (value) {
                case 1 -> NORMAL;
                case 2 -> UNKNOWN;
                case 3 -> CONTROL;
                case 4 -> USER_DEFINED;
                case 5 -> UNUSED;
                case 6 -> BYTE;
                default -> throw new IOException("unknown piece type " + value);
            };
        }
    }

    public enum ModelType { UNIGRAM, BPE, WORD, CHAR }

    public record Piece(String piece, float score, PieceType type) {
    }

    public record TrainerSpec(ModelType modelType, int vocabSize, boolean byteFallback, boolean splitDigits,
                              boolean treatWhitespaceAsSuffix, int unkId, int bosId, int eosId, int padId,
                              String unkPiece, String bosPiece, String eosPiece, String padPiece,
                              String unkSurface) {
    }

    /** How input text is normalised; {@code precompiledCharsmap} is empty when there is no character map. */
    public record NormalizerSpec(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                                 boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
    }

    /** Parses a serialised {@code ModelProto}. */
    public static SentencePieceModel parse(byte[] bytes) throws IOException {
        ProtoWire in = new ProtoWire(bytes);
        List<Piece> pieces = new ArrayList<>();
        TrainerSpec trainer = null;
        NormalizerSpec normalizer = null;
        NormalizerSpec denormalizer = null;
        while (!in.atEnd()) {
            int tag = in.readTag();
            switch (ProtoWire.field(tag)) {
                case 1 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); pieces.add(parsePiece(in.readMessage())); }
                case 2 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); trainer = parseTrainerSpec(in.readMessage()); }
                case 3 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); normalizer = parseNormalizerSpec(in.readMessage()); }
                case 5 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); denormalizer = parseNormalizerSpec(in.readMessage()); }
                default -> in.skip(tag);
            }
        }
        if (trainer == null) trainer = parseTrainerSpec(new ProtoWire(new byte[0]));
        if (normalizer == null) normalizer = parseNormalizerSpec(new ProtoWire(new byte[0]));
        return new SentencePieceModel(List.copyOf(pieces), trainer, normalizer, denormalizer);
    }

    private static Piece parsePiece(ProtoWire in) throws IOException {
        String piece = "";
        float score = 0f;
        PieceType type = PieceType.NORMAL;
        while (!in.atEnd()) {
            int tag = in.readTag();
            switch (ProtoWire.field(tag)) {
                case 1 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); piece = in.readString(); }
                case 2 -> { in.expect(tag, ProtoWire.FIXED32); score = in.readFloat(); }
                case 3 -> { in.expect(tag, ProtoWire.VARINT); type = PieceType.fromWire(in.readInt32()); }
                default -> in.skip(tag);
            }
        }
        return new Piece(piece, score, type);
    }

    private static TrainerSpec parseTrainerSpec(ProtoWire in) throws IOException {
        ModelType modelType = ModelType.UNIGRAM;
        int vocabSize = 8000;
        boolean byteFallback = false;
        boolean splitDigits = false;
        boolean whitespaceAsSuffix = false;
        int unkId = 0, bosId = 1, eosId = 2, padId = -1;
        String unkPiece = "<unk>", bosPiece = "<s>", eosPiece = "</s>", padPiece = "<pad>";
        String unkSurface = " \u2047 ";
        while (!in.atEnd()) {
            int tag = in.readTag();
            int field = ProtoWire.field(tag);
            int wire = switch (field) {
                case 3, 4, 24, 25, 35, 40, 41, 42, 43 -> ProtoWire.VARINT;
                case 44, 45, 46, 47, 48 -> ProtoWire.LENGTH_DELIMITED;
                default -> -1;
            };
            if (wire < 0) {
                in.skip(tag);
                continue;
            }
            in.expect(tag, wire);
            switch (field) {
                case 3 -> {
                    int value = in.readInt32();
                    if (value < 1 || value > 4) throw new IOException("unknown model type " + value);
                    modelType = ModelType.values()[value - 1];
                }
                case 4 -> vocabSize = in.readInt32();
                case 24 -> whitespaceAsSuffix = in.readBool();
                case 25 -> splitDigits = in.readBool();
                case 35 -> byteFallback = in.readBool();
                case 40 -> unkId = in.readInt32();
                case 41 -> bosId = in.readInt32();
                case 42 -> eosId = in.readInt32();
                case 43 -> padId = in.readInt32();
                case 44 -> unkSurface = in.readString();
                case 45 -> unkPiece = in.readString();
                case 46 -> bosPiece = in.readString();
                case 47 -> eosPiece = in.readString();
                case 48 -> padPiece = in.readString();
                default -> throw new IllegalStateException("field " + field);
            }
        }
        return new TrainerSpec(modelType, vocabSize, byteFallback, splitDigits, whitespaceAsSuffix,
                unkId, bosId, eosId, padId, unkPiece, bosPiece, eosPiece, padPiece, unkSurface);
    }

    private static NormalizerSpec parseNormalizerSpec(ProtoWire in) throws IOException {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean addDummyPrefix = true;
        boolean removeExtraWhitespaces = true;
        boolean escapeWhitespaces = true;
        while (!in.atEnd()) {
            int tag = in.readTag();
            switch (ProtoWire.field(tag)) {
                case 1 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); name = in.readString(); }
                case 2 -> { in.expect(tag, ProtoWire.LENGTH_DELIMITED); charsmap = in.readBytes(); }
                case 3 -> { in.expect(tag, ProtoWire.VARINT); addDummyPrefix = in.readBool(); }
                case 4 -> { in.expect(tag, ProtoWire.VARINT); removeExtraWhitespaces = in.readBool(); }
                case 5 -> { in.expect(tag, ProtoWire.VARINT); escapeWhitespaces = in.readBool(); }
                default -> in.skip(tag);
            }
        }
        return new NormalizerSpec(name, charsmap, addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces);
    }
}
