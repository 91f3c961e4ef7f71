package org.sdlgm.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.sdlgm.data.Dataset;
import org.sdlgm.model.SparseCode;

/**
 * For image data: test inputs beside their reconstructions x̂ (the decoder mean of the
 * deterministic code, {@code SparseCoder.encode} then {@code decodeMean}), the examples taken at
 * evenly spaced ranks from the sparsest to the densest code, each with its L̂.
 */
public final class ReconstructionSection implements ReportSection<ReportContext> {
  @Override
  public String title() {
    return "Inputs and reconstructions";
  }

  @Override
  public boolean appliesTo(ReportContext ctx) {
    return ctx.isImageData()
        && ctx.hasCodes()
        && ctx.options().examples() > 0
        && ctx.examples().size() > 0;
  }

  @Override
  public void render(ReportContext ctx, ReportPage page) {
    Dataset ex = ctx.examples();
    List<SparseCode> codes = ctx.codes();
    int[] picked = pickSparsestToDensest(codes, ctx.options().examples());
    int k = ctx.config().latentDim();
    int d = ctx.config().inputDim();
    float[] dense = new float[picked.length * k];
    for (int i = 0; i < picked.length; i++) {
      System.arraycopy(codes.get(picked[i]).toDense(k), 0, dense, i * k, k);
    }
    float[] xhat = ctx.coder().decodeMean(dense, picked.length, ctx.options().batchSize());
    float[] range = ex.range();
    ImageGrid.ColorMap grey = ImageGrid.grey(range[0], range[1]);
    float[][][] images = new float[picked.length][2][];
    ImageGrid.ColorMap[] maps = new ImageGrid.ColorMap[picked.length];
    String[] labels = new String[picked.length];
    boolean sdlgm = ctx.config().method().isSdlgm();
    for (int i = 0; i < picked.length; i++) {
      float[] x = new float[d];
      System.arraycopy(ex.features(), picked[i] * d, x, 0, d);
      float[] r = new float[d];
      System.arraycopy(xhat, i * d, r, 0, d);
      images[i][0] = x;
      images[i][1] = r;
      maps[i] = grey;
      SparseCode c = codes.get(picked[i]);
      labels[i] =
          sdlgm
              ? "L̂ = " + c.level() + (c.nnz() != c.level() ? " (nnz " + c.nnz() + ")" : "")
              : "nnz = " + c.nnz();
    }
    int h = ctx.info().data().imageHeight();
    int w = ctx.info().data().imageWidth();
    int scale = Math.max(1, 64 / Math.max(h, w));
    page.image(
        "reconstructions",
        ImageGrid.tiles(images, maps, labels, h, w, scale, 8),
        "Pairs of input (left) and reconstruction x̂ (right, the decoder mean of the deterministic "
            + "code) for "
            + picked.length
            + " of "
            + ctx.examplesPhrase()
            + ", at evenly spaced "
            + "ranks from the sparsest code (top left) to the densest; the number under each pair "
            + "is its "
            + (sdlgm ? "chosen level L̂" : "number of non-zeros")
            + ".");
  }

  /** Indices of {@code n} codes at evenly spaced ranks of (L̂, nnz, row). */
  static int[] pickSparsestToDensest(List<SparseCode> codes, int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < codes.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.<Integer>comparingInt(i -> codes.get(i).level())
            .thenComparingInt(i -> codes.get(i).nnz())
            .thenComparingInt(i -> i));
    int m = Math.min(n, order.size());
    int[] picked = new int[m];
    for (int j = 0; j < m; j++) {
      int rank = m == 1 ? 0 : (int) Math.round(j * (order.size() - 1) / (double) (m - 1));
      picked[j] = order.get(rank);
    }
    return picked;
  }
}
