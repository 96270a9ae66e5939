/** The ./jcma command line. */
module io.jcma.cli {
    requires io.jcma.devices;
    requires io.jcma.shim;
    requires io.jcma.junit;
    requires testcontainers;
    requires info.picocli;
    requires org.jline;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;

    opens io.jcma.cli to info.picocli;
}
