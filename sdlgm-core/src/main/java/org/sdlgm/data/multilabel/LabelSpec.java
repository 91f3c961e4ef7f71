package org.sdlgm.data.multilabel;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which ARFF attributes are labels: the first C, the last C, the names in a Mulan XML file, or
 * (when nothing is given) MEKA's {@code -C n} in {@code @relation}. An explicit spec always wins
 * over {@code -C}, because {@code -C} is wrong or missing in some published files. {@link #parse}
 * accepts the command-line forms {@code first:C}, {@code last:C}, {@code xml:PATH}, {@code meka},
 * or a bare path ending in {@code .xml}.
 */
public final class LabelSpec {
  /** The kind of rule. */
  public enum Kind {
    FIRST,
    LAST,
    XML,
    MEKA
  }

  private final Kind kind;
  private final int count;
  private final MulanLabels labels;

  private LabelSpec(Kind kind, int count, MulanLabels labels) {
    this.kind = kind;
    this.count = count;
    this.labels = labels;
  }

  public static LabelSpec first(int c) {
    return new LabelSpec(Kind.FIRST, positive(c), null);
  }

  public static LabelSpec last(int c) {
    return new LabelSpec(Kind.LAST, positive(c), null);
  }

  /** Reads the Mulan XML now, so a bad XML fails before the (larger) ARFF is read. */
  public static LabelSpec xml(Path path) {
    return new LabelSpec(Kind.XML, 0, MulanLabels.read(path));
  }

  public static LabelSpec of(MulanLabels labels) {
    return new LabelSpec(Kind.XML, 0, Objects.requireNonNull(labels));
  }

  /** Use MEKA's {@code -C n} from {@code @relation}; reading fails if it is absent. */
  public static LabelSpec meka() {
    return new LabelSpec(Kind.MEKA, 0, null);
  }

  public static LabelSpec parse(String s) {
    String t = s.trim();
    if (t.startsWith("first:")) {
      return first(count(t.substring(6), s));
    }
    if (t.startsWith("last:")) {
      return last(count(t.substring(5), s));
    }
    if (t.startsWith("xml:")) {
      return xml(Path.of(t.substring(4)));
    }
    if (t.equals("meka")) {
      return meka();
    }
    if (t.endsWith(".xml")) {
      return xml(Path.of(t));
    }
    throw new IllegalArgumentException(
        "label spec '" + s + "': expected first:C, last:C, xml:PATH or meka");
  }

  private static int count(String c, String s) {
    try {
      return Integer.parseInt(c.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("label spec '" + s + "': '" + c + "' is not a count");
    }
  }

  private static int positive(int c) {
    if (c <= 0) {
      throw new IllegalArgumentException("label count must be positive, got " + c);
    }
    return c;
  }

  public Kind kind() {
    return kind;
  }

  /** C for FIRST/LAST, else 0. */
  public int count() {
    return count;
  }

  /** The labels for XML, else null. */
  public MulanLabels labels() {
    return labels;
  }

  @Override
  public String toString() {
    switch (kind) {
      case FIRST:
        return "first:" + count;
      case LAST:
        return "last:" + count;
      case XML:
        return "xml:" + (labels.source() == null ? labels.names() : labels.source());
      default:
        return "meka";
    }
  }
}
