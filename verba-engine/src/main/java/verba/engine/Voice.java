package verba.engine;

/**
 * A voice an engine can speak with.
 *
 * @param id       stable id, unique across engines (e.g. {@code mary/cmu-slt-hsmm}, {@code espeak/fr}, {@code pocket/alba})
 * @param language BCP-47-ish language tag ({@code en}, {@code fr}, ...)
 * @param engine   id of the engine that owns the voice
 * @param cloned   true when the voice was made from a reference recording
 * @param description human-readable label
 */
public record Voice(String id, String language, String engine, boolean cloned, String description) {
}
