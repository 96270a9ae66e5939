package io.jcma.cma.kernel;

import io.jcma.cma.fs.KernelFs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallSiteTest {
    /** A frame of the layer (cma-core's classes): it must be skipped. */
    private static String viaLayer(CallSite site) {
        return site.find();
    }

    @Test
    void theFirstFrameOutsideTheLayerIsTheCaller() {
        CallSite site = CallSite.outside(Errno.class);
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        String found = site.find();
        assertThat(found).isEqualTo(getClass().getName() + ".theFirstFrameOutsideTheLayerIsTheCaller(CallSiteTest.java:"
                + line + ")");
    }

    @Test
    void aLayerAddedWithAlsoIsSkippedToo() {
        // this test class is its own "layer above": with it skipped the caller is JUnit's frame
        CallSite site = CallSite.outside(Errno.class).also(CallSiteTest.class);
        assertThat(viaLayer(site)).doesNotStartWith(getClass().getName()).startsWith("org.junit.");
    }

    @Test
    void oneCodeSourceHoldsSeveralLayersTellApartByPackage() {
        // as in a shaded jar: KernelFs shares Errno's code source but not its package
        CallSite kernelOnly = CallSite.outside(Errno.class);
        KernelFs fs = KernelFs.create();
        fs.registerFile("/site", kernelOnly::find, null);
        assertThat(fs.read("/site")).startsWith(KernelFs.class.getName() + ".read(");

        CallSite both = CallSite.outside(Errno.class, KernelFs.class);
        fs.registerFile("/site2", both::find, null);
        assertThat(fs.read("/site2")).startsWith(getClass().getName() + ".oneCodeSourceHoldsSeveralLayers");
    }

    @Test
    void aJdkClassIsNoAnchor() {
        assertThatThrownBy(() -> CallSite.outside(String.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("anchor: java.lang.String");
    }

    @Test
    void anchorsAreRequired() {
        assertThatThrownBy(CallSite::outside).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("anchors: none");
    }
}
