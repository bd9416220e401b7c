package loopwork.resp;

/** {@link RespSteppedTest}'s tests with the keys on the accept loop, each command run where it is read. */
class RespLoopKeysSteppedTest extends RespSteppedTest {

    @Override
    boolean keysOnWorkers() {
        return false;
    }
}
