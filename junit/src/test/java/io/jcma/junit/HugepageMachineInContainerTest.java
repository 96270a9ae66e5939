package io.jcma.junit;

import io.jcma.junit.fixtures.HugepageMachine;

/**
 * {@link HugepageMachine} through the container path, even on a host that could run it here:
 * the platform on real hugepages boots in the container and its result is this test's.
 */
@PhysicalAddresses(where = PhysicalAddresses.Where.CONTAINER, hugepages = 4)
class HugepageMachineInContainerTest extends HugepageMachine {
}
