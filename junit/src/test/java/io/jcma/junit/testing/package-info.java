/**
 * What the container-path tests ask of the host themselves, apart from the code under test: the
 * Docker engine over its socket, the free hugepages in sysfs. Published in this module's
 * test-jar for the cli's tests.
 */
package io.jcma.junit.testing;
