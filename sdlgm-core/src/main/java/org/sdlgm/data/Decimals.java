package org.sdlgm.data;

/**
 * Numbers as data files write them. Java's own {@link Double#parseDouble} also takes spellings no
 * data file means — a type suffix ({@code 4d}, {@code 2f}) or a hexadecimal float ({@code 0x1p3}) —
 * so a column of {@code 1d, 2d, 3d} identifiers would train silently as the numbers 1, 2, 3. The
 * readers parse through this class instead: a plain decimal, optionally signed, with an optional
 * fraction and exponent, surrounded by optional whitespace. {@code NaN} and {@code Infinity} (as
 * Java spells them) still parse, so that each reader can refuse them with its own message naming
 * the file and line; everything else throws {@link NumberFormatException}.
 */
public final class Decimals {
  private Decimals() {}

  /** {@code s} as a float, rounded once as {@link Float#parseFloat} rounds it. */
  public static float parseFloat(String s) {
    return Float.parseFloat(check(s));
  }

  /** {@code s} as a double. */
  public static double parseDouble(String s) {
    return Double.parseDouble(check(s));
  }

  /**
   * {@code s} when its characters are those of a decimal (digits, '.', an exponent's 'e' and signs)
   * or it names NaN or an infinity; the structure itself (one point, digits around the exponent) is
   * left to Java's parser, which refuses a malformed decimal.
   */
  private static String check(String s) {
    String t = s.trim();
    int start = !t.isEmpty() && (t.charAt(0) == '+' || t.charAt(0) == '-') ? 1 : 0;
    if (t.startsWith("NaN", start) || t.startsWith("Infinity", start)) {
      return t;
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
      if (!ok) {
        throw new NumberFormatException("not a decimal number: '" + s + "'");
      }
    }
    return t;
  }
}
