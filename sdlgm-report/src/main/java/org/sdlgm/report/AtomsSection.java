package org.sdlgm.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sdlgm.model.SparseCode;

/**
 * For image data: the decoder's image of each of the most-used latent dimensions ("atoms"). Atom k
 * is x̂(s_k·e_k) − x̂(0): the decoder mean of the one-hot code scaled by a typical value s_k, minus
 * the decoder mean of the zero code. s_k is the median |z_k| over the encoded examples that use
 * dimension k, with the sign of the sum of those z_k, so that the image shows what the dimension
 * adds when it is active (for a linear decoder it is s_k times the decoder column). Shown with a
 * diverging colour map, scaled per atom: red adds intensity, blue removes.
 */
public final class AtomsSection implements ReportSection<ReportContext> {
  @Override
  public String title() {
    return "Decoder atoms of the most-used dimensions";
  }

  @Override
  public boolean appliesTo(ReportContext ctx) {
    return ctx.isImageData()
        && ctx.hasCodes()
        && ctx.options().atoms() > 0
        && Arrays.stream(ctx.dimensionUsage()).anyMatch(u -> u > 0);
  }

  @Override
  public void render(ReportContext ctx, ReportPage page) {
    int k = ctx.config().latentDim();
    int d = ctx.config().inputDim();
    int[] usage = ctx.dimensionUsage();
    Integer[] dims = DimensionUsageSection.byUsage(usage);
    int m = (int) Math.min(ctx.options().atoms(), Arrays.stream(usage).filter(u -> u > 0).count());
    double[] typical = typicalValues(ctx.codes(), k);
    // Rows 0..m-1: the scaled one-hot codes; row m: the zero code.
    float[] codes = new float[(m + 1) * k];
    for (int i = 0; i < m; i++) {
      codes[i * k + dims[i]] = (float) typical[dims[i]];
    }
    float[] xhat = ctx.coder().decodeMean(codes, m + 1, ctx.options().batchSize());
    float[][][] images = new float[m][1][d];
    ImageGrid.ColorMap[] maps = new ImageGrid.ColorMap[m];
    String[] labels = new String[m];
    int n = ctx.codes().size();
    for (int i = 0; i < m; i++) {
      float max = 0;
      for (int t = 0; t < d; t++) {
        float v = xhat[i * d + t] - xhat[m * d + t];
        images[i][0][t] = v;
        max = Math.max(max, Math.abs(v));
      }
      maps[i] = ImageGrid.diverging(max);
      labels[i] = String.format(Locale.ROOT, "#%d · %.0f%%", dims[i], 100.0 * usage[dims[i]] / n);
    }
    int h = ctx.info().data().imageHeight();
    int w = ctx.info().data().imageWidth();
    int scale = Math.max(1, 84 / Math.max(h, w));
    List<String> top = new ArrayList<>();
    for (int i = 0; i < Math.min(3, m); i++) {
      top.add("#" + dims[i]);
    }
    page.image(
        "atoms",
        ImageGrid.tiles(images, maps, labels, h, w, scale, 12),
        "Decoder image x̂(s·e_k) − x̂(0) of the "
            + m
            + " most-used latent dimensions k (most used "
            + "first: "
            + String.join(", ", top)
            + "), s = the median |z_k| where k is active, with "
            + "the sign of its mean; red adds intensity, blue removes it (each atom scaled to its "
            + "own maximum); under each, k and the share of "
            + ctx.examplesPhrase()
            + " whose code uses it.");
  }

  /**
   * Per dimension: median |z_k| over the codes where k is active, signed by Σ z_k (1 if unused).
   */
  static double[] typicalValues(List<SparseCode> codes, int k) {
    List<List<Float>> values = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      values.add(new ArrayList<>());
    }
    for (SparseCode c : codes) {
      for (int t = 0; t < c.indices().length; t++) {
        values.get(c.indices()[t]).add(c.values()[t]);
      }
    }
    double[] typical = new double[k];
    for (int j = 0; j < k; j++) {
      List<Float> v = values.get(j);
      if (v.isEmpty()) {
        typical[j] = 1.0;
        continue;
      }
      double[] abs = v.stream().mapToDouble(f -> Math.abs(f)).sorted().toArray();
      double median =
          abs.length % 2 == 1
              ? abs[abs.length / 2]
              : (abs[abs.length / 2 - 1] + abs[abs.length / 2]) / 2;
      double sum = v.stream().mapToDouble(Float::doubleValue).sum();
      typical[j] = (sum < 0 ? -1 : 1) * median;
    }
    return typical;
  }
}
