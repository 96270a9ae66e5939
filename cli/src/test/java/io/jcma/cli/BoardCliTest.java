package io.jcma.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** boot and shell boot a board: the platform bus and the interrupts are there. */
class BoardCliTest {
    @Test
    void theShellShowsThePlatformBusAndTheInterrupts() {
        Jcma.Run r = Jcma.run("shell", "-c", "ls /sys/bus/platform/devices; "
                + "cat /sys/bus/platform/devices/10200000.dma-controller/modalias; cat /proc/interrupts");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                10000000.gpu
                10100000.video-codec
                10200000.dma-controller
                dma-bus
                soc
                of:Ndma-controllerT(null)Cjcma,dma-engine
                           CPU0      \s
                """);
    }

    @Test
    void theShellShowsADevicesUeventAndRefusesABadAction() {
        Jcma.Run r = Jcma.run("shell", "-c", "cat /sys/bus/platform/devices/10200000.dma-controller/uevent; "
                + "echo explode > /sys/bus/platform/devices/10200000.dma-controller/uevent");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("OF_NAME=dma-controller\nOF_FULLNAME=/dma-bus/dma-controller@10200000\n");
        assertThat(r.err()).isEqualTo("echo: write error: Invalid argument\n");
    }

    @Test
    void bootListsThePlatformDevices() throws Exception {
        Jcma.Run text = Jcma.run("boot");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("Platform device", "10200000.dma-controller");
        Jcma.Run json = Jcma.run("boot", "--json");
        JsonNode devs = new ObjectMapper().readTree(json.out()).get("platform_devices");
        assertThat(devs.size()).isEqualTo(5);
        assertThat(devs.get(4).get("name").asText()).isEqualTo("10200000.dma-controller");
        assertThat(devs.get(4).get("node").asText()).isEqualTo("/dma-bus/dma-controller@10200000");
    }
}
