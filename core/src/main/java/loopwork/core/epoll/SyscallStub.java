package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A system-call entry point of nine x86_64 instructions, in an executable page of its own:
 * {@code long entry(long number, long a1, ..., long a6)} moves its arguments to the kernel's registers,
 * executes {@code syscall} and returns the kernel's result as it is, {@code -errno} on failure. errno is never
 * involved, which is the point: through glibc's {@code syscall(2)}, errno is all a failed call says, and
 * capturing it ({@code Linker.Option.captureCallState}) makes a slice of the capture segment on every call,
 * which only C2's escape analysis removes. Code that runs interpreted or C1-compiled, after a deoptimization
 * or on a path too rare for C2, allocated 40 bytes per accept, read, send or close.
 *
 * <p>It is what glibc's {@code syscall} does, minus errno. The page is written, then made read-and-execute
 * (never both writable and executable) and kept for the life of the process. Where that is refused (a policy
 * forbidding executable memory, such as SELinux's {@code deny_execmem}), or on another architecture, or with
 * {@code -Dloopwork.epoll.stub=false}, {@link #ENTRY} is {@code null} and the bindings go through glibc's
 * {@code syscall(2)} with errno capture.
 *
 * <p>Thread-safe: immutable once made.
 */
@SuppressWarnings("restricted") // binding mmap and calling the code it maps is the point of this class
final class SyscallStub {

    /** System property that, set to {@code false}, keeps the bindings on glibc's {@code syscall(2)}. */
    static final String PROPERTY = "loopwork.epoll.stub";

    /** {@code long entry(long number, long a1, long a2, long a3, long a4, long a5, long a6)}. */
    static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);

    /**
     * The System V AMD64 calling convention brings number and a1..a5 in rdi, rsi, rdx, rcx, r8, r9 and a6 on
     * the stack; the kernel takes the number in rax and its arguments in rdi, rsi, rdx, r10, r8, r9. syscall
     * clobbers rcx and r11, which the convention lets a function clobber too.
     */
    private static final byte[] AMD64 = {
        0x48, (byte) 0x89, (byte) 0xf8,             // mov rax, rdi
        0x48, (byte) 0x89, (byte) 0xf7,             // mov rdi, rsi
        0x48, (byte) 0x89, (byte) 0xd6,             // mov rsi, rdx
        0x48, (byte) 0x89, (byte) 0xca,             // mov rdx, rcx
        0x4d, (byte) 0x89, (byte) 0xc2,             // mov r10, r8
        0x4d, (byte) 0x89, (byte) 0xc8,             // mov r8, r9
        0x4c, (byte) 0x8b, 0x4c, 0x24, 0x08,        // mov r9, [rsp + 8]
        0x0f, 0x05,                                 // syscall
        (byte) 0xc3,                                // ret
    };

    private static final long PAGE = 4096;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int PROT_EXEC = 4;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long MAP_FAILED = -1L;

    /** The entry point, or {@code null} when calls go through glibc (see the class comment). */
    static final MemorySegment ENTRY;
    /** Why {@link #ENTRY} is {@code null}, for the start-up report; {@code null} when it is not. */
    static final String UNUSED_BECAUSE;

    static {
        MemorySegment entry = null;
        String unused;
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            unused = "-D" + PROPERTY + "=false";
        } else if (!System.getProperty("os.name", "").startsWith("Linux")
                || !System.getProperty("os.arch", "").equals("amd64")) {
            unused = "no stub for " + System.getProperty("os.name") + " on " + System.getProperty("os.arch");
        } else {
            try {
                entry = map(AMD64);
                unused = entry == null ? "executable memory refused" : null;
            } catch (RuntimeException | LinkageError e) {
                unused = e.toString();
            }
        }
        ENTRY = entry;
        UNUSED_BECAUSE = unused;
    }

    private SyscallStub() {
    }

    /** Copies {@code code} to a fresh page and makes it executable: its address, or null when refused. */
    private static MemorySegment map(byte[] code) {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle mprotect = linker.downcallHandle(libc.find("mprotect").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        try {
            long address = (long) mmap.invokeExact(0L, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                    -1, 0L);
            if (address == MAP_FAILED) {
                return null;
            }
            MemorySegment page = MemorySegment.ofAddress(address).reinterpret(PAGE);
            MemorySegment.copy(code, 0, page, JAVA_BYTE, 0, code.length);
            if ((int) mprotect.invokeExact(address, PAGE, PROT_READ | PROT_EXEC) != 0) {
                int ignored = (int) munmap.invokeExact(address, PAGE);
                return null;
            }
            return page;
        } catch (Throwable e) {
            throw new IllegalStateException("mapping the system-call stub failed", e);
        }
    }
}
