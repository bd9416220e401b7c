package loopwork.core.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;

import org.junit.jupiter.api.Test;

class Ipv4AndErrnoTest {

    @Test
    void dottedQuadsParseToHostOrderAndBack() {
        assertThat(Ipv4.parse("0.0.0.0")).isEqualTo(Ipv4.ANY);
        assertThat(Ipv4.parse("127.0.0.1")).isEqualTo(Ipv4.LOOPBACK);
        assertThat(Ipv4.parse("192.168.1.254")).isEqualTo(0xC0A801FE);
        assertThat(Ipv4.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4.format(0xC0A801FE)).isEqualTo("192.168.1.254");
        assertThat(Ipv4.format(-1)).isEqualTo("255.255.255.255");
        assertThat(Ipv4.of(new byte[] {(byte) 192, (byte) 168, 1, (byte) 254})).isEqualTo(0xC0A801FE);
        assertThatThrownBy(() -> Ipv4.of(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anythingButFourDecimalPartsIsRefused() {
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "256.0.0.1", "1..2.3", ".1.2.3",
            "1.2.3.a", "localhost", "1.2.3.4 ", "010.0.0.1", "1.2.3.1000", "::1"}) {
            assertThatThrownBy(() -> Ipv4.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void errnoCodesBecomeNamedExceptionsWithTheLibraryMessage() {
        assertThat(Errno.isAgain(-Errno.EAGAIN)).isTrue();
        assertThat(Errno.isAgain(0)).isFalse();
        assertThat(Errno.name(Errno.ECONNRESET)).isEqualTo("ECONNRESET");
        assertThat(Errno.name(4000)).isEqualTo("errno 4000");
        IOException reset = Errno.exception("read", -Errno.ECONNRESET);
        assertThat(reset).isInstanceOf(SocketException.class);
        if (EpollSupport.isAvailable()) {
            assertThat(reset).hasMessage("read failed: ECONNRESET: Connection reset by peer");
        }
        assertThat(Errno.exception("bind", -Errno.EADDRINUSE)).isInstanceOf(BindException.class);
        assertThat(Errno.exception("epoll_ctl", -Errno.EBADF)).isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith("epoll_ctl failed: EBADF");
        assertThatThrownBy(() -> Errno.exception("read", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
