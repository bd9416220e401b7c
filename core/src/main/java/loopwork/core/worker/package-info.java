/**
 * Worker threads and the cross-thread slots they use: {@link loopwork.core.worker.SlotRing} (claim, fill in
 * place, commit), the task flyweight, and the loops' {@link loopwork.core.worker.Mailbox}.
 */
package loopwork.core.worker;
