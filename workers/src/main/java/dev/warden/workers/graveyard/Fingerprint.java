package dev.warden.workers.graveyard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a byte range of a file, read positionally (bounded: at most {@link #MAX} bytes). */
final class Fingerprint {
  /** Bytes hashed at most: the head of a file, or the bytes before an import's end. */
  static final int MAX = 64 * 1024;

  private Fingerprint() {}

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
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(buf);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
