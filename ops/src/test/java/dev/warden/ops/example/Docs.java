package dev.warden.ops.example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The repository's pages (README.md and docs/**.md), their fenced code blocks, and the marked
 * regions of the examples in this package ({@code // doc:begin NAME} ... {@code // doc:end NAME}).
 */
final class Docs {
  private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*(\\S*)\\s*$");
  private static final Pattern MARKER = Pattern.compile("^\\s*// doc:(begin|end)\\s*(\\S*)\\s*$");

  /** A fenced block: the page, the line of its opening fence (1-based), its language and its text. */
  record Block(Path page, int line, String language, String text) {
    String where() {
      return root().relativize(page) + ":" + line;
    }
  }

  /** A marked region of an example source: its name, source, first line (1-based) and text. */
  record Region(String name, Path source, int line, String text) {}

  private Docs() {}

  /** The repository root: tests run in their module's directory, one level down. */
  static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("ops"))) {
        return p;
      }
    }
    throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
  }

  /** README.md, then every Markdown file under docs/, sorted. */
  static List<Path> pages() {
    Path root = root();
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
      pages.addAll(s.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  /** Every fenced block of a page; an unclosed fence is an error. */
  static List<Block> blocks(Path page) {
    List<String> lines = read(page);
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      for (i++; i < lines.size() && !FENCE.matcher(lines.get(i)).matches(); i++) {
        text.append(lines.get(i)).append('\n');
      }
      if (i == lines.size()) {
        throw new AssertionError(root().relativize(page) + ":" + (start + 1) + ": unclosed code fence");
      }
      out.add(new Block(page, start + 1, open.group(1), text.toString()));
    }
    return out;
  }

  /** A page's text with its fenced blocks blanked out (line numbers kept). */
  static List<String> prose(Path page) {
    List<String> lines = new ArrayList<>(read(page));
    boolean inFence = false;
    for (int i = 0; i < lines.size(); i++) {
      boolean fence = FENCE.matcher(lines.get(i)).matches();
      if (fence || inFence) {
        lines.set(i, "");
      }
      if (fence) {
        inFence = !inFence;
      }
    }
    return lines;
  }

  /** The marked regions of every example source in this package, by name. */
  static Map<String, Region> regions() {
    Path dir = root().resolve("ops/src/test/java/dev/warden/ops/example");
    Map<String, Region> regions = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path source : s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
        List<String> lines = read(source);
        String open = null;
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = MARKER.matcher(lines.get(i));
          if (!m.matches()) {
            continue;
          }
          String where = dir.relativize(source) + ":" + (i + 1);
          String name = m.group(2);
          if (name.isEmpty()) {
            throw new AssertionError(where + ": a doc marker needs a name");
          }
          if (m.group(1).equals("begin")) {
            if (open != null) {
              throw new AssertionError(where + ": region [" + name + "] begins inside [" + open + "]");
            }
            open = name;
            from = i + 1;
          } else {
            if (!name.equals(open)) {
              throw new AssertionError(where + ": end of [" + name + "], but the open region is [" + open + "]");
            }
            Region r = new Region(name, source, from + 1, String.join("\n", lines.subList(from, i)));
            if (regions.put(name, r) != null) {
              throw new AssertionError(where + ": a second region named [" + name + "]");
            }
            open = null;
          }
        }
        if (open != null) {
          throw new AssertionError(dir.relativize(source) + ": region [" + open + "] never ends");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return regions;
  }

  /**
   * Code with its whitespace normalised: each line trimmed, runs of blanks inside it made one
   * space, blank lines dropped. Indentation and the alignment of trailing comments do not count;
   * every other character does.
   */
  static String normalise(String code) {
    return code.lines()
        .map(l -> l.strip().replaceAll("[ \\t]+", " "))
        .filter(l -> !l.isEmpty())
        .collect(Collectors.joining("\n"));
  }

  static List<String> read(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
