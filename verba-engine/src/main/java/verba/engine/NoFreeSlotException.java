package verba.engine;

/** Every synthesis slot is busy. The Kyutai protocol reports it as "no free channels". */
public final class NoFreeSlotException extends Exception {
    public NoFreeSlotException() {
        super("no free channels");
    }
}
