/**
 * The one cross-thread structure of the kit: {@link loopwork.core.ring.SlotRing}, a bounded many-to-one ring
 * of fixed-size slots (claim, fill in place, commit), and the {@link loopwork.core.ring.SlotPayload}
 * flyweight over a slot's 96-byte payload.
 */
package loopwork.core.ring;
