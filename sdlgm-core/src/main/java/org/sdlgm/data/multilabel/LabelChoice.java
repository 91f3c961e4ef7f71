package org.sdlgm.data.multilabel;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import org.sdlgm.SdlgmException;

/**
 * A label rule as written in a spec ({@code labels=...}) or in {@code --labels}, checked for syntax
 * when the spec is parsed but turned into a {@link LabelSpec} only when data are loaded, because
 * {@link LabelSpec#xml} reads the XML file and parsing must not touch files.
 */
record LabelChoice(LabelSpec.Kind kind, int count, Path xml, String text) {
  static final String FORMS = "an XML label file (PATH.xml or xml:PATH), first:C, last:C or meka";

  /** Parses {@code v}; {@code bad} turns a problem description into the caller's exception. */
  static LabelChoice parse(String v, Function<String, SdlgmException> bad) {
    String t = v == null ? "" : v.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.startsWith("first:") || lower.startsWith("last:")) {
      boolean first = lower.startsWith("first:");
      String c = t.substring(first ? 6 : 5).trim();
      int count;
      try {
        count = Integer.parseInt(c);
      } catch (NumberFormatException e) {
        throw bad.apply("'" + c + "' is not a label count; expected " + FORMS);
      }
      if (count < 1) {
        throw bad.apply("the label count must be positive; expected " + FORMS);
      }
      return new LabelChoice(first ? LabelSpec.Kind.FIRST : LabelSpec.Kind.LAST, count, null, t);
    }
    if (lower.equals("meka")) {
      return new LabelChoice(LabelSpec.Kind.MEKA, 0, null, t);
    }
    if (lower.startsWith("xml:") && t.length() > 4) {
      return new LabelChoice(
          LabelSpec.Kind.XML, 0, org.sdlgm.data.SpecParts.path(t.substring(4).trim()), t);
    }
    if (lower.endsWith(".xml")) {
      return new LabelChoice(LabelSpec.Kind.XML, 0, org.sdlgm.data.SpecParts.path(t), t);
    }
    throw bad.apply("expected " + FORMS);
  }

  /** The rule itself; reads the XML (a {@link org.sdlgm.data.DataException} if it is bad). */
  LabelSpec toLabelSpec() {
    switch (kind) {
      case FIRST:
        return LabelSpec.first(count);
      case LAST:
        return LabelSpec.last(count);
      case XML:
        return LabelSpec.xml(xml);
      default:
        return LabelSpec.meka();
    }
  }
}
