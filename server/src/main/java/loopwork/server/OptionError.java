package loopwork.server;

/** A bad command line: the message names the option and what it accepts; the program exits with 2. */
final class OptionError extends Exception {
    private static final long serialVersionUID = 1L;

    OptionError(String message) {
        super(message);
    }
}
