package org.sdlgm.report;

import java.util.ArrayList;
import java.util.List;

/** Human-readable class names where the data source has well-known ones, else the numbers. */
final class ClassNames {
  private static final List<String> FASHION =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private ClassNames() {}

  /** Names of {@code n} classes of the data named by {@code spec}. */
  static List<String> of(String spec, int n) {
    List<String> names = new ArrayList<>(n);
    boolean fashion = spec != null && spec.startsWith("fashion-mnist") && n == FASHION.size();
    for (int c = 0; c < n; c++) {
      names.add(fashion ? FASHION.get(c) : Integer.toString(c));
    }
    return names;
  }
}
