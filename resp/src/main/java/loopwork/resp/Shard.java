package loopwork.resp;

import java.util.Arrays;

/**
 * One worker's part of the key space: the keys whose hash routes to that worker, in a chained hash table of
 * string values. Expiry is checked when a key is touched, and swept a few buckets per operation, so keys nobody
 * reads again go too, as Redis' active expiry samples them.
 *
 * <p>Allocation happens only where the key space grows: a new key (its entry, key and value arrays), a value
 * longer than its key's array (a new array, of the new length), and the table doubling. An operation on an
 * existing key whose value keeps its size (GET, SET, INCR within the same digits, EXPIRE, TTL, EXISTS)
 * allocates nothing. A deleted or expired entry becomes garbage.
 *
 * <p>Not thread-safe: owned by its worker's thread; only {@link KeyTask}s that worker runs touch it.
 */
final class Shard {

    /** An expiry that is none (deadlines are compared by subtraction, so no deadline value can stand for it). */
    static final long NEVER = Long.MIN_VALUE;
    /** Buckets each operation sweeps: the table is gone over once every table-size / 2 operations. */
    private static final int SWEPT_PER_OPERATION = 2;

    private static final class Entry {
        final byte[] key;
        final int hash;
        byte[] value;
        int length;
        long expiresAtMs = NEVER;
        Entry next;

        Entry(byte[] key, int hash) {
            this.key = key;
            this.hash = hash;
        }
    }

    private Entry[] table;
    private int size;
    private int sweepAt;
    /** Why the last {@link #add} added nothing ({@link KeyTask#NOT_INTEGER}, {@link KeyTask#OVERFLOW}), else 0. */
    int failure;

    Shard(int initialKeys) {
        table = new Entry[Math.max(16, Integer.highestOneBit(Math.max(1, initialKeys - 1)) << 1)];
    }

    /** Keys held, expired ones not yet swept included (as Redis' DBSIZE counts them). */
    int size() {
        return size;
    }

    /** The live entry of the key {@code stage[0, keyLength)}, or null; removes it if it has expired. */
    private Entry find(byte[] stage, int keyLength, int hash, long nowMs) {
        int bucket = hash & (table.length - 1);
        Entry previous = null;
        for (Entry e = table[bucket]; e != null; previous = e, e = e.next) {
            if (e.hash == hash && Arrays.equals(e.key, 0, e.key.length, stage, 0, keyLength)) {
                if (expired(e, nowMs)) {
                    unlink(bucket, previous, e);
                    return null;
                }
                return e;
            }
        }
        return null;
    }

    private static boolean expired(Entry e, long nowMs) {
        return e.expiresAtMs != NEVER && nowMs - e.expiresAtMs >= 0;
    }

    private void unlink(int bucket, Entry previous, Entry e) {
        if (previous == null) {
            table[bucket] = e.next;
        } else {
            previous.next = e.next;
        }
        size--;
    }

    /** GET: copies the value into the stage, at {@link Session#VALUE_AT}; its length, or -1 for no such key. */
    int get(Session session, int keyLength, int hash, long nowMs) {
        Entry e = find(session.stage, keyLength, hash, nowMs);
        if (e == null) {
            return -1;
        }
        session.ensureStage(Session.VALUE_AT + e.length);
        System.arraycopy(e.value, 0, session.stage, Session.VALUE_AT, e.length);
        return e.length;
    }

    /**
     * SET of the value {@code stage[keyLength, keyLength + valueLength)}, unless {@code onlyIfAbsent} (NX) finds
     * the key or {@code onlyIfPresent} (XX) does not; {@code expiresAtMs} {@link #NEVER} clears a TTL. Whether set.
     */
    boolean set(byte[] stage, int keyLength, int valueLength, int hash, boolean onlyIfAbsent, boolean onlyIfPresent,
            long expiresAtMs, long nowMs) {
        Entry e = find(stage, keyLength, hash, nowMs);
        if (e == null ? onlyIfPresent : onlyIfAbsent) {
            return false;
        }
        if (e == null) {
            e = insert(Arrays.copyOf(stage, keyLength), hash);
        }
        store(e, stage, keyLength, valueLength);
        e.expiresAtMs = expiresAtMs;
        return true;
    }

    private static void store(Entry e, byte[] from, int offset, int length) {
        // A value kept in a much larger array would pin it: a new one, unless it fits in about its size.
        if (e.value == null || e.value.length < length || e.value.length > 2 * length + 64) {
            e.value = new byte[length];
        }
        System.arraycopy(from, offset, e.value, 0, length);
        e.length = length;
    }

    private Entry insert(byte[] key, int hash) {
        if (size >= table.length - (table.length >>> 2)) {
            grow();
        }
        Entry e = new Entry(key, hash);
        int bucket = hash & (table.length - 1);
        e.next = table[bucket];
        table[bucket] = e;
        size++;
        return e;
    }

    private void grow() {
        Entry[] old = table;
        table = new Entry[old.length << 1];
        for (Entry head : old) {
            for (Entry e = head, next; e != null; e = next) {
                next = e.next;
                int bucket = e.hash & (table.length - 1);
                e.next = table[bucket];
                table[bucket] = e;
            }
        }
        sweepAt = 0;
    }

    /** DEL of one key: whether it was there. */
    boolean delete(byte[] stage, int keyLength, int hash, long nowMs) {
        int bucket = hash & (table.length - 1);
        Entry previous = null;
        for (Entry e = table[bucket]; e != null; previous = e, e = e.next) {
            if (e.hash == hash && Arrays.equals(e.key, 0, e.key.length, stage, 0, keyLength)) {
                unlink(bucket, previous, e);
                return !expired(e, nowMs);
            }
        }
        return false;
    }

    boolean exists(byte[] stage, int keyLength, int hash, long nowMs) {
        return find(stage, keyLength, hash, nowMs) != null;
    }

    /**
     * INCRBY: the value after adding {@code delta} to the decimal held (0 for no key), written back as decimal
     * with its TTL kept; {@link #failure} says why there is none. The stage has room for the digits after the key.
     */
    long add(byte[] stage, int keyLength, int hash, long delta, long nowMs) {
        failure = 0;
        Entry e = find(stage, keyLength, hash, nowMs);
        long value = e == null ? 0 : Decimal.parse(e.value, e.length);
        if (value == Decimal.INVALID) {
            failure = KeyTask.NOT_INTEGER;
            return 0;
        }
        long sum = value + delta;
        if (((value ^ sum) & (delta ^ sum)) < 0 || sum == Decimal.INVALID) {
            failure = KeyTask.OVERFLOW;
            return 0;
        }
        if (e == null) {
            e = insert(Arrays.copyOf(stage, keyLength), hash);
        }
        int digits = Decimal.put(stage, keyLength, sum);
        store(e, stage, keyLength, digits);
        return sum;
    }

    /** EXPIRE: a deadline in the past deletes the key; whether the key was there. */
    boolean expire(byte[] stage, int keyLength, int hash, long expiresAtMs, long nowMs) {
        Entry e = find(stage, keyLength, hash, nowMs);
        if (e == null) {
            return false;
        }
        if (nowMs - expiresAtMs >= 0) {
            return delete(stage, keyLength, hash, nowMs);
        }
        e.expiresAtMs = expiresAtMs;
        return true;
    }

    /** PTTL: milliseconds left, -1 for a key that does not expire, -2 for none. */
    long timeToLive(byte[] stage, int keyLength, int hash, long nowMs) {
        Entry e = find(stage, keyLength, hash, nowMs);
        if (e == null) {
            return -2;
        }
        return e.expiresAtMs == NEVER ? -1 : e.expiresAtMs - nowMs;
    }

    void clear() {
        Arrays.fill(table, null);
        size = 0;
    }

    /** Removes the expired keys of the next few buckets: called once per operation. */
    void sweep(long nowMs) {
        for (int n = 0; n < SWEPT_PER_OPERATION; n++) {
            int bucket = sweepAt;
            sweepAt = (sweepAt + 1) & (table.length - 1);
            Entry previous = null;
            for (Entry e = table[bucket]; e != null; e = e.next) {
                if (expired(e, nowMs)) {
                    unlink(bucket, previous, e);
                } else {
                    previous = e;
                }
            }
        }
    }
}
