package dev.warden.persistence.ledger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (no Java parser ships with the
 * Prometheus client library): it throws on any line it does not understand, on a TYPE or HELP given
 * twice or after its samples, on a family's samples split apart, on a sample outside its declared
 * family, on the same series twice, and on a negative or non-finite counter.
 */
final class PrometheusText {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new LinkedHashMap<>();
  final Map<String, String> help = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    String[] lines = text.split("\n", -1);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    Set<String> closed = new HashSet<>(); // families whose samples are over
    Set<String> series = new HashSet<>();
    String current = null;
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " [" + line + "]: ";
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String name = name(parts[2], where);
          if (samplesSeen(p, name) || closed.contains(name)) {
            throw new IllegalArgumentException(where + parts[1] + " after the family's samples");
          }
          if (parts[1].equals("TYPE")) {
            if (parts.length != 4 || !TYPES.contains(parts[3])) {
              throw new IllegalArgumentException(where + "bad TYPE");
            }
            if (p.types.put(name, parts[3]) != null) {
              throw new IllegalArgumentException(where + "second TYPE for " + name);
            }
          } else if (p.help.put(name, parts.length == 4 ? unescapeHelp(parts[3], where) : "") != null) {
            throw new IllegalArgumentException(where + "second HELP for " + name);
          }
        }
        continue; // any other comment
      }
      Sample s = sample(line, where);
      String family = family(p, s.name());
      if (!family.equals(current)) {
        if (current != null) {
          closed.add(current);
        }
        if (closed.contains(family)) {
          throw new IllegalArgumentException(where + "samples of " + family + " are split apart");
        }
        current = family;
      }
      if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
        throw new IllegalArgumentException(where + "the same series twice");
      }
      if ("counter".equals(p.types.get(family)) && !(s.value() >= 0 && Double.isFinite(s.value()))) {
        throw new IllegalArgumentException(where + "a counter must be finite and >= 0");
      }
      p.samples.add(s);
    }
    return p;
  }

  /** The value of the one sample {@code name} with exactly {@code labels}, if any. */
  Optional<Double> value(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).map(Sample::value).findFirst();
  }

  List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  private static boolean samplesSeen(PrometheusText p, String family) {
    return p.samples.stream().anyMatch(s -> family(p, s.name()).equals(family));
  }

  /** The declared family a sample belongs to (its own name when none is declared: untyped). */
  private static String family(PrometheusText p, String sample) {
    if (p.types.containsKey(sample)) {
      String type = p.types.get(sample);
      if (type.equals("histogram") || type.equals("summary")) {
        throw new IllegalArgumentException("sample " + sample + " has the bare name of a " + type);
      }
      return sample;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        String type = p.types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return sample;
  }

  private static String name(String s, String where) {
    if (!METRIC.matcher(s).matches()) {
      throw new IllegalArgumentException(where + "bad metric name [" + s + "]");
    }
    return s;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = name(line.substring(0, i), where);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          throw new IllegalArgumentException(where + "a label without '='");
        }
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
          throw new IllegalArgumentException(where + "bad label name [" + label + "]");
        }
        if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException(where + "a label value must be quoted");
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = line.charAt(++j);
            if (e == 'n') {
              v.append('\n');
            } else if (e == '\\' || e == '"') {
              v.append(e);
            } else {
              throw new IllegalArgumentException(where + "bad escape \\" + e);
            }
          } else {
            v.append(c);
          }
        }
        if (j >= line.length()) {
          throw new IllegalArgumentException(where + "unterminated label value");
        }
        if (labels.put(label, v.toString()) != null) {
          throw new IllegalArgumentException(where + "label " + label + " twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException(where + "expected ',' or '}'");
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException(where + "expected one space before the value");
    }
    String[] rest = line.substring(i + 1).split(" ", -1);
    if (rest.length < 1 || rest.length > 2) {
      throw new IllegalArgumentException(where + "expected a value and an optional timestamp");
    }
    double value = value(rest[0], where);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "bad timestamp");
      }
    }
    return new Sample(name, labels, value);
  }

  private static double value(String s, String where) {
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
          throw new IllegalArgumentException(where + "bad value [" + s + "]");
        }
        return Double.parseDouble(s);
    }
  }

  private static String unescapeHelp(String s, String where) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        char e = i + 1 < s.length() ? s.charAt(++i) : ' ';
        if (e == 'n') {
          b.append('\n');
        } else if (e == '\\') {
          b.append('\\');
        } else {
          throw new IllegalArgumentException(where + "bad escape in HELP \\" + e);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
