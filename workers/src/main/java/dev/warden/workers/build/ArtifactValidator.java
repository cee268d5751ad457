package dev.warden.workers.build;

/**
 * Checks the artifact of a build reported successful: that it exists and has the reported digest.
 * The host plugs its own in (it may read storage: the actor calls it off the actor's thread, then
 * hands the verdict to {@link BuildControl#report}). A success whose artifact is not VALID is
 * recorded as MISSING_BINARY, not success.
 */
@FunctionalInterface
public interface ArtifactValidator {
  ArtifactCheck check(String packageId, String digest);

  /** The default: accepts any non-empty digest, since nothing else is known about artifacts. */
  static ArtifactValidator digestPresent() {
    return (packageId, digest) -> digest == null || digest.isBlank() ? ArtifactCheck.MISSING : ArtifactCheck.VALID;
  }
}
