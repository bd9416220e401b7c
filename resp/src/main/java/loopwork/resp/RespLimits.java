package loopwork.resp;

/**
 * The protocol's own limits (the kit's, such as the input buffer that bounds a command, are the kit's settings).
 *
 * @param maxArguments       arguments one command may have, its name included: a longer array is a protocol
 *                           error; each connection keeps two int arrays of this length
 * @param initialKeysPerShard keys each worker's shard holds before its table first doubles
 */
public record RespLimits(int maxArguments, int initialKeysPerShard) {

    public static final int MAX_ARGUMENTS = 1 << 20;
    public static final RespLimits DEFAULTS = new RespLimits(1024, 1 << 16);

    public RespLimits {
        if (maxArguments < 3 || maxArguments > MAX_ARGUMENTS) {
            throw new IllegalArgumentException("maxArguments must be 3 to " + MAX_ARGUMENTS + ", not " + maxArguments);
        }
        if (initialKeysPerShard < 1 || initialKeysPerShard > 1 << 28) {
            throw new IllegalArgumentException("initialKeysPerShard must be 1 to " + (1 << 28) + ", not "
                    + initialKeysPerShard);
        }
    }
}
