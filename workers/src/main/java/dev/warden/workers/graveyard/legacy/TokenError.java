package dev.warden.workers.graveyard.legacy;

/** A token that cannot be read; makes its record damaged once the record is framed. */
final class TokenError extends Exception {

  final DamageReason reason;

  TokenError(DamageReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }
}
