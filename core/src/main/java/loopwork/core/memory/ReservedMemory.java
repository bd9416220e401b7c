package loopwork.core.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A large block of off-heap memory that costs address space at once and physical memory only as its pages
 * are first touched: on Linux an anonymous {@code mmap} with {@code MAP_NORESERVE}, through the FFM API.
 * This is what lets every context of a 100,000-connection pool own its buffers from start-up without the
 * process holding them all in RAM. Elsewhere it falls back to an ordinary (zeroed, so resident) allocation.
 *
 * <p>Thread-safe: immutable once made; {@link #close()} must come after every thread using it has stopped.
 */
@SuppressWarnings("restricted") // mmap through FFM is the point of this class; the launcher enables native access
public final class ReservedMemory implements AutoCloseable {

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | Error e) {
                mmap = null;
                munmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private final MemorySegment segment;
    private final boolean mapped;
    private final Arena fallbackArena;

    private ReservedMemory(MemorySegment segment, boolean mapped, Arena fallbackArena) {
        this.segment = segment;
        this.mapped = mapped;
        this.fallbackArena = fallbackArena;
    }

    /** Reserves {@code bytes} of zeroed memory, page-aligned. */
    public static ReservedMemory reserve(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        if (MMAP != null) {
            try {
                MemorySegment address = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
                if (address.address() != -1L) {
                    return new ReservedMemory(address.reinterpret(bytes), true, null);
                }
            } catch (Throwable e) {
                // fall through to the portable allocation
            }
        }
        Arena arena = Arena.ofShared();
        return new ReservedMemory(arena.allocate(bytes, 4096), false, arena);
    }

    public MemorySegment segment() {
        return segment;
    }

    /** Whether pages are committed lazily (mmap) rather than all at once. */
    public boolean isLazy() {
        return mapped;
    }

    public long byteSize() {
        return segment.byteSize();
    }

    @Override
    public void close() {
        if (mapped) {
            try {
                int ignored = (int) MUNMAP.invokeExact(segment, segment.byteSize());
            } catch (Throwable e) {
                throw new IllegalStateException("munmap failed", e);
            }
        } else {
            fallbackArena.close();
        }
    }
}
