package loopwork.core;

import java.nio.ByteBuffer;

// The README's example protocol: its block under "A protocol on the kit" is this class, line for line (the
// server's MarkdownSnippetsTest compares them); SquaresTest runs it.

/** Squares each 8-byte number a client sends, on a worker, and answers in order; the loop never blocks. */
final class Squares implements Protocol {
    private int square; // the task type's id

    public void registerTasks(TaskRegistry tasks) {
        square = tasks.register(new TaskType() {                      // runs on a worker thread
            public int payloadBytes() { return Long.BYTES; }
            public void run(TaskPayload p) { p.putLong(0, p.getLong(0) * p.getLong(0)); }
        });
    }

    public ConnectionHandler newHandler(LoopInfo loop) {                // one per loop, called on its thread
        ByteBuffer answer = ByteBuffer.allocateDirect(Long.BYTES);      // made once: serving allocates nothing
        return new ConnectionHandler() {
            public void onData(Connection c, ByteBuffer in) {           // called again when the task is done
                if (c.tasksInFlight() > 0 || in.remaining() < Long.BYTES || !c.canWrite(Long.BYTES)) return;
                TaskPayload task = c.tryClaimTask(square);
                if (task == null) { c.close(); return; }                // every worker's slots are taken
                task.putLong(0, in.getLong());                          // fill the slot in place, then publish
                c.commitTask();
            }
            public void onTaskDone(Connection c, int type, TaskPayload result) {
                c.write(answer.clear().putLong(result.getLong(0)).flip());
            }
        };
    }
}
