/** A user's own driver, written only against jcma's published API. */
module io.jcma.examples {
    requires io.jcma.devices;
}
