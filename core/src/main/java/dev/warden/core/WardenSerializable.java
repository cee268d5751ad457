package dev.warden.core;

/**
 * Marker for every message, event and snapshot Warden serializes. Bound to Jackson JSON in
 * {@code warden-defaults.conf}; Pekko ships no production serializer of its own, so each
 * persistent or remote type implements this marker.
 */
public interface WardenSerializable {}
