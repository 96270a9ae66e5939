package io.jcma.devices.hw;

import java.util.List;

/**
 * Makes models for device-tree nodes by {@code compatible}; found with
 * {@link java.util.ServiceLoader} (a user's own models from their own jar), or given to the
 * board directly. The first compatible string of a node that a provider lists wins, most
 * specific first, as of_match_device() matches.
 */
public interface DeviceModelProvider {

    /** The compatible strings this provider makes models for. */
    List<String> compatibles();

    /** A new, unrealized model for a node compatible with {@code compatible}. */
    DeviceModel create(String compatible);
}
