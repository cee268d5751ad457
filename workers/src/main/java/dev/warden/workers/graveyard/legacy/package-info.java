/**
 * The graveyard's legacy-file reader: streams the S-expression records a Common Lisp daemon printed
 * into {@code graveyard.sexp}, in bounded memory, and never fails on damage.
 *
 * <h2>What it reads</h2>
 *
 * <p>A file is a sequence of property-list records in one of two {@link
 * dev.warden.workers.graveyard.legacy.Layout layouts}: one record per top-level list, each starting
 * with {@code (} at the start of a line, or the older single list of records, each on a line
 * indented one space. The layout is detected from the file's first bytes, and a {@link
 * dev.warden.workers.graveyard.legacy.ResumePoint} remembers it with the offset an incremental
 * re-read starts from.
 *
 * <p>It accepts what the legacy printer writes: property lists of keywords, symbols, strings with
 * backslash escapes, integers, decimals with any exponent marker ({@code e s f d l}, all read as
 * double precision, the marker kept in the text), ratios, and nested lists; and it skips {@code ;}
 * comments to the end of their line, inside records and between them, as the Lisp reader does.
 * Other reader syntax ({@code #} dispatch, {@code #|...|#} comments, {@code |escaped|} symbols,
 * quote and backquote) makes its record {@link
 * dev.warden.workers.graveyard.legacy.DamageReason#MALFORMED_RECORD MALFORMED_RECORD}.
 *
 * <p>Values ({@link dev.warden.workers.graveyard.legacy.SexpValue}) are immutable and keep their
 * text as written, so they print back in the same form and compare the way the daemon's {@code
 * equal} does: numbers exactly as written ({@code 60} and {@code 60.0} are different timeframes),
 * strings case-sensitively, symbols as the Lisp reader interns them, upcased. A {@link
 * dev.warden.workers.graveyard.legacy.LegacyRecord} keeps every key in written order; when a key
 * repeats, the first occurrence wins, as with {@code getf}. A record holding a number the daemon
 * could not have used (a float that overflows a double, or an {@code :SL}, {@code :TP} or {@code
 * :TIMESTAMP} integer or ratio that does) is {@link
 * dev.warden.workers.graveyard.legacy.DamageReason#NON_FINITE NON_FINITE}.
 *
 * <h2>Damage and resynchronisation</h2>
 *
 * <p>Every damaged byte range goes to a {@link dev.warden.workers.graveyard.legacy.QuarantineSink}
 * with its absolute offset, length, {@link dev.warden.workers.graveyard.legacy.DamageReason reason}
 * and a bounded sample, in file order, and reading resumes at the next record start. The rules
 * (which {@code (} starts a record, what a record start inside a string means, how garbage glued to
 * an intact record costs only itself) are in {@link
 * dev.warden.workers.graveyard.legacy.SexpReader}; the one ambiguous case, a record start inside a
 * string, in {@link dev.warden.workers.graveyard.legacy.RecordScanner}. Structural damage (cut short,
 * too deep, oversized) ends the record at once; token damage (a bad token, invalid UTF-8, a
 * non-keyword key, an odd length) is remembered and the scan goes on to the closing parenthesis, so
 * the damaged range is the whole framed record. {@link
 * dev.warden.workers.graveyard.legacy.FileQuarantineSink} writes the ranges to a side file that
 * survives a crash whole: lines are written whole and before the journal batch that goes past them,
 * a torn last line is cut away on the next open, and an offset already listed is not written again.
 *
 * <h2>Bounded memory</h2>
 *
 * <p>An {@link dev.warden.workers.graveyard.legacy.InputWindow} slides a fixed buffer over the file;
 * a record longer than {@code max-record-bytes} is quarantined as {@code OVERSIZED}, nesting deeper
 * than {@code max-depth} as {@code TOO_DEEP}, and a damaged range of any length is skipped by
 * streaming ({@link dev.warden.workers.graveyard.legacy.GarbageScan}), so the reader holds about
 * {@code 3 × max-record-bytes} plus 256 KiB whatever the file size ({@link
 * dev.warden.workers.graveyard.legacy.SexpReader}; the limits are {@link
 * dev.warden.workers.graveyard.legacy.ReaderSettings}). {@link
 * dev.warden.workers.graveyard.legacy.DamageReporter} keeps counts, not entries.
 *
 * <h2>Why it is fast</h2>
 *
 * <p>The target is 150 MB/s of steady-state parsing (see {@code ops/warden bench graveyard}; the
 * bench file is 163 MB, 2.45 M records). The reader frames and parses a record in one
 * pass over bytes already in memory and keeps one record's worth of objects per record:
 *
 * <ul>
 *   <li>Bytes are examined eight at a time: one little-endian word per load, with masks flagging
 *       the bytes of interest ({@link dev.warden.workers.graveyard.legacy.Words}).
 *   <li>Short tokens (keys, symbols, numbers and strings that repeat in every record) are looked up
 *       in a {@link dev.warden.workers.graveyard.legacy.TokenCache} whose key is the token itself,
 *       read as two machine words and a length, hashed and compared as numbers in primitive arrays;
 *       a hit returns the one immutable value for those bytes, classified and allocated once. The
 *       cache has two ways per set: direct-mapped, the bench file's ~800 distinct numbers collided in
 *       pairs that kept evicting each other, and about one token in nine records went the slow way.
 *   <li>A key is first compared with the key at the same position in the previous record ({@link
 *       dev.warden.workers.graveyard.legacy.KeyTrail}): two masked words, no hashing, no byte loop.
 *   <li>Cached atoms and plain strings, nearly every element of a file, are framed a word at a time
 *       in a loop compiled apart from the general path: compiled together, the general path's inlined
 *       calls used up the JIT's inlining budget before the hot calls were inlined. For the same
 *       reason the damage paths build their messages in methods of their own.
 *   <li>A record is one array of keys and values plus a {@code long} packing where each known field
 *       ({@link dev.warden.workers.graveyard.legacy.LegacyField}) first occurs, so a known field is
 *       answered in constant time without a map per record.
 *   <li>Numbers are recognised without regular expressions or intermediate strings, with a correctly
 *       rounded fast path for short decimals ({@link
 *       dev.warden.workers.graveyard.legacy.NumberSyntax}); UTF-8 is decoded strictly ({@link
 *       dev.warden.workers.graveyard.legacy.Tokens}).
 * </ul>
 *
 * <p>A reader is not thread-safe: one per reading thread. The tests beside this package hold a
 * parse benchmark ({@code SexpParseBench}) and the syntax, damage, resynchronisation, alignment and
 * large-file cases. In production the graveyard's import ({@code ImportRun}) is its one caller;
 * the graveyard benchmarks read with it too.
 */
package dev.warden.workers.graveyard.legacy;
