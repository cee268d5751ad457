package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pages point only at what the repository holds: every link resolves to a file in it (and an
 * anchor to a heading of that file), the README links nowhere outside it, and every repository
 * path a page names in backticks exists.
 */
class DocLinksTest {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
  /** Top-level entries whose paths a page may name. */
  private static final Pattern REPO_PATH =
      Pattern.compile("^(core|persistence|workers|ops|conf|docs|\\.ci)/[A-Za-z0-9_./-]+$|^[A-Za-z0-9_-]+\\.md$|^pom\\.xml$");

  @Test
  void everyLinkResolvesToAFileOrHeadingInTheRepository() {
    Path root = Docs.root();
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path page : Docs.pages()) {
      List<String> prose = Docs.prose(page);
      for (int i = 0; i < prose.size(); i++) {
        Matcher m = LINK.matcher(withoutCodeSpans(prose.get(i)));
        while (m.find()) {
          links++;
          String where = root.relativize(page) + ":" + (i + 1) + " " + m.group(1);
          String target = m.group(1);
          if (target.matches("^[a-z]+:.*")) {
            if (page.equals(root.resolve("README.md"))) {
              broken.add(where + ": the README links only into the repository");
            }
            continue;
          }
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          Path resolved = (file.isEmpty() ? page : page.getParent().resolve(file)).normalize();
          if (!resolved.startsWith(root)) {
            broken.add(where + ": outside the repository");
          } else if (!Files.exists(resolved)) {
            broken.add(where + ": no such file " + root.relativize(resolved));
          } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
            broken.add(where + ": no heading with that anchor in " + root.relativize(resolved) + " " + anchors(resolved));
          }
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
    assertThat(links).as("links found").isGreaterThan(20);
  }

  @Test
  void everyRepositoryPathAPageNamesExists() {
    Path root = Docs.root();
    Set<String> markdownNames = markdownNames(root);
    List<String> missing = new ArrayList<>();
    for (Path page : Docs.pages()) {
      List<String> prose = Docs.prose(page);
      for (int i = 0; i < prose.size(); i++) {
        Matcher m = CODE_SPAN.matcher(prose.get(i));
        while (m.find()) {
          String path = m.group(1);
          if (!REPO_PATH.matcher(path).matches() || path.contains("/target/")) {
            continue;
          }
          boolean exists = path.contains("/") ? Files.exists(root.resolve(path)) : markdownNames.contains(path) || Files.exists(root.resolve(path));
          if (!exists) {
            missing.add(root.relativize(page) + ":" + (i + 1) + " `" + path + "`");
          }
        }
      }
    }
    assertThat(missing).as("paths named in backticks that the repository does not hold").isEmpty();
  }

  @Test
  void noPagePointsOutsideTheRepository() {
    List<String> outside = new ArrayList<>();
    for (Path page : Docs.pages()) {
      List<String> lines = Docs.read(page);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("../shared") || lines.get(i).contains("DESIGN.md") || lines.get(i).contains("STACK.md")) {
          outside.add(Docs.root().relativize(page) + ":" + (i + 1) + " " + lines.get(i).strip());
        }
      }
    }
    assertThat(outside).as("mentions of files outside the repository").isEmpty();
  }

  @Test
  void anchorsAreGitHubsHeadingIds() {
    assertThat(slug("External processes and the memory guard")).isEqualTo("external-processes-and-the-memory-guard");
    assertThat(slug("JMX (domain `dev.warden`, readable by jconsole)")).isEqualTo("jmx-domain-devwarden-readable-by-jconsole");
    assertThat(slug("Trials: `Trials.of(warden)`")).isEqualTo("trials-trialsofwarden");
  }

  private static String withoutCodeSpans(String line) {
    return CODE_SPAN.matcher(line).replaceAll("");
  }

  /** The heading ids GitHub gives a Markdown file. */
  private static Set<String> anchors(Path file) {
    if (!file.toString().endsWith(".md")) {
      return Set.of();
    }
    return Docs.prose(file).stream()
        .map(HEADING::matcher)
        .filter(Matcher::matches)
        .map(h -> slug(h.group(1)))
        .collect(Collectors.toSet());
  }

  /** GitHub's heading id: lower case, punctuation but '-' and '_' dropped, spaces to '-'. */
  static String slug(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s_-]", "").replace(' ', '-');
  }

  private static Set<String> markdownNames(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".md"))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
