package io.jcma.dma;

import io.jcma.cma.kernel.Errno;
import io.jcma.cma.kernel.ErrnoException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** iommu_map/iommu_unmap on a domain, the IOVA allocator under the aperture. */
class IommuDomainTest {

    private static Errno errno(Throwable t) {
        return ((ErrnoException) t).errno();
    }

    @Test
    void widthMustBe13To64Bits() {
        assertThatThrownBy(() -> IommuDomain.create(12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("addressWidth: 12");
        assertThatThrownBy(() -> IommuDomain.create(65)).isInstanceOf(IllegalArgumentException.class);
        assertThat(IommuDomain.create(48).apertureEnd()).isEqualTo((1L << 48) - 1);
    }

    @Test
    void mapTranslatesAndUnmapInvalidates() {
        IommuDomain d = IommuDomain.create(32);
        d.map(0x10000, 0x7654_3000L, 0x2000, IommuDomain.IOMMU_READ);
        assertThat(d.iovaToPhys(0x11234)).isEqualTo(0x7654_4234L);
        assertThat(d.prot(0x10000)).isEqualTo(IommuDomain.IOMMU_READ);
        assertThat(d.mappedPages()).isEqualTo(2);
        assertThat(d.unmap(0x10000, 0x2000)).isEqualTo(0x2000);
        assertThat(d.iovaToPhys(0x11234)).isEqualTo(-1);
        assertThat(d.unmap(0x10000, 0x2000)).isZero();
    }

    @Test
    void unalignedMapIsEinval() {
        IommuDomain d = IommuDomain.create(32);
        assertThatThrownBy(() -> d.map(0x10800, 0x1000, 0x1000, 3)).satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("iova=0x0000000000010800");
        assertThatThrownBy(() -> d.map(0x10000, 0x1000, 0, 3)).satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EINVAL));
    }

    @Test
    void mapOutsideTheApertureIsEinval() {
        IommuDomain d = IommuDomain.create(20);
        assertThatThrownBy(() -> d.map(0xff000, 0x1000, 0x2000, 3)).satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("aperture");
    }

    @Test
    void mappingAMappedPageIsEbusyAndChangesNothing() {
        IommuDomain d = IommuDomain.create(32);
        d.map(0x3000, 0x1000, 0x1000, 3);
        assertThatThrownBy(() -> d.map(0x2000, 0x8000, 0x2000, 3)).satisfies(t -> assertThat(errno(t)).isEqualTo(Errno.EBUSY));
        assertThat(d.mappedPages()).isEqualTo(1);
        assertThat(d.iovaToPhys(0x2000)).isEqualTo(-1);
        assertThat(d.iovaToPhys(0x3000)).isEqualTo(0x1000);
    }
}
