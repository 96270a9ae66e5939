package io.jcma.cma.mm.internal;

import io.jcma.cma.mm.Mm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-page byte, every state and every order. */
class PageFlagsTest {
    @Test
    void everyStateOrderAndHeadBitDecodesAsEncoded() {
        for (int st = PageFlags.ST_RESERVED; st <= PageFlags.ST_MOVABLE; st++) {
            for (int order = 0; order <= Mm.MAX_PAGE_ORDER; order++) {
                for (boolean head : new boolean[] {false, true}) {
                    byte f = PageFlags.encode(st, head, order);
                    assertThat(PageFlags.state(f)).isEqualTo(st);
                    assertThat(PageFlags.order(f)).isEqualTo(order);
                    assertThat(PageFlags.isHead(f)).isEqualTo(head);
                    assertThat(PageFlags.isFreeHead(f)).isEqualTo(head && st == PageFlags.ST_FREE);
                    assertThat(PageFlags.isFreeHeadOf(f, order)).isEqualTo(head && st == PageFlags.ST_FREE);
                    assertThat(PageFlags.isFreeHeadOf(f, (order + 1) % (Mm.MAX_PAGE_ORDER + 1))).isFalse();
                }
            }
            assertThat(PageFlags.tail(st)).isEqualTo(PageFlags.encode(st, false, 0));
        }
    }

    @Test
    void theLayoutIsTheOneDrawn() {
        assertThat(PageFlags.encode(PageFlags.ST_FREE, true, 10)).isEqualTo((byte) 0b1_001_1010);
        assertThat(PageFlags.encode(PageFlags.ST_MOVABLE, false, 0)).isEqualTo((byte) 0b0_100_0000);
    }
}
