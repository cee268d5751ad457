package dev.warden.workers.graveyard.legacy;

/**
 * A record together with the byte range it was read from.
 *
 * @param record the parsed record
 * @param startOffset absolute offset of its opening parenthesis
 * @param endOffset absolute offset just past its closing parenthesis
 */
public record ReadRecord(LegacyRecord record, long startOffset, long endOffset) {}
