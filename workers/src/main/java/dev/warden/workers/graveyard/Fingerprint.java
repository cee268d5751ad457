package dev.warden.workers.graveyard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a file's bytes from its start, fed in sequential reads as an import advances, so
 * each batch's progress carries the hash of everything imported so far without re-reading it.
 * Sequential hashing runs at several hundred MB/s, well ahead of the parse, and it runs while
 * the previous batch is being journaled.
 */
final class Fingerprint {
  /** Bytes hashed at most by {@link #of}: the head of a file, for progress written before whole-file hashes. */
  static final int MAX = 64 * 1024;
  /** Fixed-size reads (see {@code InputWindow}: the JDK's temporary direct buffer is reused). */
  private static final int CHUNK = 64 * 1024;

  private final FileChannel ch;
  private final MessageDigest md = sha256();
  private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
  private long hashed;

  Fingerprint(FileChannel ch) {
    this.ch = ch;
  }

  /** Feeds the bytes from where hashing stopped up to {@code offset}. */
  void advanceTo(long offset) throws IOException {
    while (hashed < offset) {
      buf.clear().limit((int) Math.min(CHUNK, offset - hashed));
      int n = ch.read(buf, hashed);
      if (n < 0) {
        throw new IOException("file ended at " + hashed + " bytes while hashing up to " + offset);
      }
      md.update(buf.array(), 0, n);
      hashed += n;
    }
  }

  /** Hex SHA-256 of the bytes fed so far; hashing can go on. */
  String hex() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) md.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of a byte range of a file, read positionally (at most {@link #MAX} bytes). */
  static String of(FileChannel ch, long from, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    long pos = from;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
    buf.flip();
    MessageDigest md = sha256();
    md.update(buf);
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
