package dev.warden.workers.graveyard.legacy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A fixed-size sliding window over a file: {@code buf[0, limit)} holds the file's bytes from
 * absolute offset {@code base}. Memory is the buffer alone, whatever the file size.
 */
final class InputWindow implements Closeable {

  /** Bytes kept before the requested index on compaction, for line-start checks. */
  private static final int KEEP_BEFORE = 2;
  /** Bytes asked of the channel per read call. */
  private static final int READ_SIZE = 64 * 1024;

  final byte[] buf;
  long base;
  int limit;
  boolean eof;
  private final FileChannel channel;
  private final ByteBuffer view;

  InputWindow(FileChannel channel, long position, int capacity) throws IOException {
    this.channel = channel;
    this.buf = new byte[capacity];
    this.view = ByteBuffer.wrap(buf);
    this.base = position;
    channel.position(position);
  }

  /**
   * Makes at least {@code need} bytes available from index {@code from}, unless the file ends
   * first. Compacts the buffer, so indices move down: returns the shift to subtract from every
   * index the caller holds.
   */
  int ensure(int from, int need) throws IOException {
    if (limit - from >= need || eof) {
      return 0;
    }
    int shift = Math.max(0, from - KEEP_BEFORE);
    if (shift > 0) {
      System.arraycopy(buf, shift, buf, 0, limit - shift);
      limit -= shift;
      base += shift;
    }
    if (need > buf.length - (from - shift)) {
      throw new IllegalStateException("window of " + buf.length + " bytes cannot hold " + need);
    }
    while (limit < buf.length) {
      // Fixed-size reads: the JDK reads a heap buffer through a cached temporary direct buffer,
      // and a request larger than the cached one frees it and allocates (and faults in) anew.
      view.limit(Math.min(buf.length, limit + READ_SIZE)).position(limit);
      int n = channel.read(view);
      if (n < 0) {
        eof = true;
        break;
      }
      limit += n;
    }
    return shift;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
