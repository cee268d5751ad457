package dev.warden.workers.graveyard;

/**
 * A cluster's key, each component exactly as written in the record ({@code 60} and
 * {@code 60.0} differ, {@code "H1"} keeps its quotes, {@code :BUY} its colon); null stands for
 * {@code NIL} or a missing key, which the legacy {@code getf} cannot tell apart.
 *
 * @param timeframe the {@code :TIMEFRAME} value printed as written, or null
 * @param direction the {@code :DIRECTION} value printed as written, or null
 * @param symbol the {@code :SYMBOL} value printed as written (a string with its quotes), or null
 */
record ClusterKey(String timeframe, String direction, String symbol) {}
