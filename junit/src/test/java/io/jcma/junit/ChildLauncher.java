package io.jcma.junit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The main of a child JVM that a test starts with other privileges or another environment: says
 * who it is (uid, CapEff), runs the named test classes and prints one line per test result.
 *
 * <pre>
 * jcma-child: uid=65534 capeff=0x0
 * jcma-child: SUCCESSFUL|FAILED|ABORTED|SKIPPED UNIQUE_ID [message or reason]
 * </pre>
 */
public final class ChildLauncher {
    static final String PREFIX = "jcma-child: ";

    private ChildLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        System.out.println(PREFIX + "uid=" + field(status, "Uid:") + " capeff=0x"
                + Long.toHexString(Long.parseUnsignedLong(field(status, "CapEff:"), 16)));
        var request = LauncherDiscoveryRequestBuilder.request();
        for (String c : args) {
            request.selectors(selectClass(c));
        }
        LauncherFactory.create().execute(request.build(), new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (id.isTest()) {
                    print(r.getStatus().name(), id, r.getThrowable().map(String::valueOf).orElse(""));
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                print("SKIPPED", id, reason);
            }
        });
        System.out.flush();
    }

    private static void print(String what, TestIdentifier id, String detail) {
        System.out.println(PREFIX + what + " " + id.getUniqueId() + " " + detail.replace('\n', ' '));
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name)).findFirst().orElseThrow()
                .substring(name.length()).strip().split("\\s+")[0];
    }
}
