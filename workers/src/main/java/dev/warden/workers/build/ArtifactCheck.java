package dev.warden.workers.build;

/** The host's verdict on a reported artifact. Anything but VALID records the build as MISSING_BINARY. */
public enum ArtifactCheck {
  VALID,
  MISSING,
  DIGEST_MISMATCH
}
