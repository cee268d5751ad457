package dev.warden.workers.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads an HTTP {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
final class RetryAfterHeader {
  /** Longer waits are cut here before any configured bound applies (no overflow on absurd values). */
  private static final long MAX_SECONDS = 366L * 24 * 3600;

  private RetryAfterHeader() {}

  /** The wait {@code value} asks for, from {@code now}; empty when it is neither form (then it is ignored). */
  static Optional<Duration> parse(String value, Instant now) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(Character::isDigit)) {
      long s = v.length() > 9 ? MAX_SECONDS : Math.min(MAX_SECONDS, Long.parseLong(v));
      return Optional.of(Duration.ofSeconds(s));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      long millis = Math.max(0, Math.min(MAX_SECONDS * 1000, Duration.between(now, at).toMillis()));
      return Optional.of(Duration.ofMillis(millis));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
