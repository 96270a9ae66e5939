package io.jcma.dma.internal.iommu;

import io.jcma.dma.IommuDomain;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** iommu_dma_alloc_iova() on a domain: top-down below the limit, clamped to the aperture. */
class IommuDomainImplTest {

    @Test
    void iovasAreTopDownBelowTheLimitAndNeverZero() {
        IommuDomainImpl d = (IommuDomainImpl) IommuDomain.create(32);
        assertThat(d.allocIova(0x1000, 0xffff_ffffL)).isEqualTo(0xffff_f000L);
        assertThat(d.allocIova(0x3000, 0xffff_ffffL)).as("3 pages round to 4, 4-aligned, below the first").isEqualTo(0xffff_8000L);
        assertThat(d.allocIova(0x1000, 0xff_ffffL)).isEqualTo(0xff_f000L);
        IommuDomainImpl tiny = (IommuDomainImpl) IommuDomain.create(14);
        assertThat(tiny.allocIova(0x1000, -1L)).isEqualTo(0x3000);
        assertThat(tiny.allocIova(0x2000, -1L)).isEqualTo(-1);
        assertThat(tiny.allocIova(0x1000, -1L)).isEqualTo(0x2000);
        assertThat(tiny.allocIova(0x1000, -1L)).isEqualTo(0x1000);
        assertThat(tiny.allocIova(0x1000, -1L)).as("pfn 0 is never handed out").isEqualTo(-1);
    }

    @Test
    void theFirstLayerToAttachOwnsTheDomain() {
        IommuDomainImpl d = (IommuDomainImpl) IommuDomain.create(32);
        Object one = new Object();
        Object other = new Object();
        assertThat(d.attach(one)).isTrue();
        assertThat(d.attach(one)).as("more devices of the same layer").isTrue();
        assertThat(d.attach(other)).isFalse();
    }
}
