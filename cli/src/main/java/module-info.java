/** The ./jcma command line. */
module io.jcma.cli {
    requires io.jcma.devices;
    requires io.jcma.shim;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;

    opens io.jcma.cli to info.picocli;
}
