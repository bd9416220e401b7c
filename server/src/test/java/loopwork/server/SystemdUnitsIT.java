package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd's units pass {@code systemd-analyze verify} with nothing to say: no unknown key, no wrong
 * section, no bad value. The service's ExecStart, /opt/loopwork/bin/loopwork, must exist for verify: here it
 * points at a stand-in of the same name. Skipped, saying so, where systemd-analyze is missing.
 */
class SystemdUnitsIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theServiceAndSocketUnitsVerifyClean() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "no systemd-analyze on this machine: the units are not verified");
        Path units = JvmOptions.root().resolve("deploy/systemd");
        Path bin = Files.createDirectories(dir.resolve("opt/loopwork/bin"));
        Path launcher = Files.writeString(bin.resolve("loopwork"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        String service = Files.readString(units.resolve("loopwork.service"), StandardCharsets.UTF_8);
        assertThat(service).contains("ExecStart=/opt/loopwork/bin/loopwork\n");
        Files.writeString(dir.resolve("loopwork.service"),
                service.replace("/opt/loopwork/", dir.resolve("opt/loopwork") + "/"));
        Files.copy(units.resolve("loopwork.socket"), dir.resolve("loopwork.socket"));

        try (ServerProcess verify = ServerProcess.start(List.of(analyze.toString(), "verify",
                dir.resolve("loopwork.socket").toString(), dir.resolve("loopwork.service").toString()), dir,
                Map.of("SYSTEMD_LOG_COLOR", "0"))) {
            int code = verify.awaitExit(Duration.ofSeconds(50));

            assertThat(code).as("%s", verify).isZero();
            assertThat(verify.out() + verify.err()).as("what verify says about the units").isEmpty();
        }
        assertThat(new File(launcher.toString())).exists();
    }

    /** The settings the brief of the units promises, each present. */
    @Test
    void theServiceDrainsRestartsAndIsHardened() throws Exception {
        String service = Files.readString(JvmOptions.root().resolve("deploy/systemd/loopwork.service"),
                StandardCharsets.UTF_8);
        String socket = Files.readString(JvmOptions.root().resolve("deploy/systemd/loopwork.socket"),
                StandardCharsets.UTF_8);

        assertThat(socket).contains("\nListenStream=0.0.0.0:9000\n", "\nReusePort=true\n");
        assertThat(service).contains("\nRequires=loopwork.socket\n", "\nRestart=on-failure\n",
                "\nKillSignal=SIGTERM\n", "\nKillMode=mixed\n", "\nTimeoutStopSec=40s\n", "\nDynamicUser=yes\n",
                "\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n").doesNotContain("\nMemoryDenyWriteExecute=yes");
    }
}
