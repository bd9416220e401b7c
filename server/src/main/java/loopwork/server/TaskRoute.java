package loopwork.server;

import loopwork.core.TaskPayload;
import loopwork.core.TaskRegistry;
import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;

/**
 * The original's {@code /test/slow}: a {@link SleepTask} of --slow-duration ms on a worker, then 200 from
 * the loop, which serves other connections meanwhile. When every worker slot is taken the answer is 503
 * at once.
 *
 * <p>Thread-safe: its task id is set once while the kit is built, before any loop runs.
 */
final class TaskRoute extends WorkerRoute {

    private int sleepTask = -1;

    TaskRoute(String path, long slowMillis) {
        super(path, slowMillis);
    }

    @Override
    public void registerTasks(TaskRegistry tasks) {
        sleepTask = tasks.register(new SleepTask());
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        TaskPayload task = exchange.tryOffload(sleepTask);
        if (task == null) {
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
            return;
        }
        task.putLong(SleepTask.MILLIS, slowMillis);
        exchange.commitTask(this);
    }
}
