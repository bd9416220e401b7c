/**
 * A Redis-protocol (RESP2) server on the Loopwork kit, written against its public API alone
 * ({@code loopwork.core}: {@code Protocol}, {@code ConnectionHandler}, {@code Connection}, {@code Bytes},
 * {@code TaskType}), as a second protocol beside HTTP. Commands: PING, ECHO, GET, SET (EX, PX, NX, XX), DEL,
 * EXISTS, INCR, INCRBY, DECR, DECRBY, MGET, MSET, EXPIRE, TTL, PTTL, DBSIZE, FLUSHDB, and for clients and tools
 * COMMAND, CONFIG GET, INFO, QUIT, DEBUG SLEEP; as RESP arrays or inline lines.
 *
 * <h2>Who owns the keys</h2>
 * One owner per key, never a lock: the kernel spreads one client's connections over the accept loops
 * (SO_REUSEPORT), so keys cannot be per-loop state when there are several loops. Two designs, chosen with
 * {@link loopwork.resp.RespProtocol#RespProtocol(RespLimits, boolean)} ({@code bin/resp --keys}):
 * <ul>
 * <li><b>On the accept loop</b> (the default, with one accept loop): the loop that reads a command runs it on its
 * own {@code Shard} where the command lies in the input, and answers in the same call, so a pipeline of 16 is
 * one {@code onData}, one read and one write, with no thread crossed: Redis' own design, one thread owning the
 * data, on the kit. The workers serve what may block: DEBUG SLEEP, a hand-off.</li>
 * <li><b>On the workers</b> ({@code --keys workers}, any number of accept loops): each worker owns the shard
 * its keys hash to, and each key's operation is a {@code KeyTask} claimed for that worker with
 * {@code tryClaimTask(type, worker)}; the key and value travel in the connection's {@code Session} stage, the
 * answer comes back in it. One task at a time per connection keeps the answers in order, so each command of a
 * pipeline costs a trip to the worker and back: it scales the key space over cores, at a cost per command that
 * the loop-owned design does not pay.</li>
 * </ul>
 * Both run the same {@code KeyTask} on the same {@code Shard}: on the loop through a {@code LocalPayload}, on a
 * worker through its slot's payload.
 *
 * <h2>Memory</h2>
 * A context's {@code Session} (its argument offsets and its stage) is made at the context's first connection and
 * kept. A shard allocates where the key space grows: a new key's entry and arrays, a value longer than its
 * array, the table doubling; the stage grows to the longest value a connection has handled. GET and SET of an
 * existing key whose value keeps its size allocate nothing, on the loop or on a worker: {@code
 * RespAllocationTest} counts it. Expiry is on the kit's clock ({@code Connection.nowMs()}, so tests move it
 * by hand): checked when a key is touched, and swept two buckets per operation on the shard.
 *
 * <h2>Limits</h2>
 * A command must fit the input buffer ({@code --input-bytes}, up to 1 MiB): one whose bulk lengths say it will
 * not gets {@code -ERR Protocol error: command larger than the input buffer} and a close, an inline line that
 * fills it {@code too big inline request}; one still arriving is waited for with {@code awaitBytes}, parsed once.
 * Values go back of any size: a value larger than the output buffer is sent from the stage
 * ({@code Connection.send}).
 */
package loopwork.resp;
