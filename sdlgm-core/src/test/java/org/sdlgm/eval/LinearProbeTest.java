package org.sdlgm.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
  static {
    // Before any DJL class loads: never call home, never download.
    System.setProperty("ai.djl.offline", "true");
  }

  private static final int DIM = 5;

  /** Two unit-variance Gaussian blobs in DIM-D whose means are 6 apart along every axis. */
  private static float[] blobs(int[] labels, Random rng) {
    float[] x = new float[labels.length * DIM];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rng.nextInt(2);
      double centre = labels[i] == 0 ? -3 : 3;
      for (int d = 0; d < DIM; d++) {
        // scale and shift one axis so standardisation has something to do
        double scale = d == 0 ? 100 : 1;
        x[i * DIM + d] = (float) ((centre + rng.nextGaussian()) * scale + (d == 1 ? 50 : 0));
      }
    }
    return x;
  }

  @Test
  void offlineMode() {
    assertTrue(ai.djl.util.Utils.isOfflineMode());
  }

  @Test
  void separatedBlobsAreLearned() {
    Random rng = new Random(1);
    int[] ytr = new int[1000];
    int[] yte = new int[400];
    float[] xtr = blobs(ytr, rng);
    float[] xte = blobs(yte, rng);
    LinearProbeResult r =
        LinearProbe.fit(xtr, ytr, xte, yte, DIM, LinearProbe.Options.defaults().withEpochs(5));
    assertEquals(2, r.numClasses());
    assertTrue(r.testAccuracy() > 0.95, "test accuracy " + r.testAccuracy());
    assertTrue(r.trainAccuracy() > 0.95, "train accuracy " + r.trainAccuracy());
  }

  @Test
  void randomLabelsStayNearChance() {
    Random rng = new Random(2);
    int n = 1000;
    int m = 400;
    float[] xtr = new float[n * DIM];
    float[] xte = new float[m * DIM];
    for (int i = 0; i < xtr.length; i++) {
      xtr[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < xte.length; i++) {
      xte[i] = (float) rng.nextGaussian();
    }
    int[] ytr = rng.ints(n, 0, 2).toArray();
    int[] yte = rng.ints(m, 0, 2).toArray();
    LinearProbeResult r =
        LinearProbe.fit(xtr, ytr, xte, yte, DIM, LinearProbe.Options.defaults().withEpochs(5));
    assertTrue(r.testAccuracy() < 0.7, "test accuracy " + r.testAccuracy());
  }

  @Test
  void sameSeedSameResult() {
    Random rng = new Random(3);
    int[] ytr = new int[300];
    int[] yte = new int[100];
    float[] xtr = blobs(ytr, rng);
    float[] xte = blobs(yte, rng);
    // Overlapping labels make accuracy sensitive to the exact weights.
    for (int i = 0; i < ytr.length; i += 3) {
      ytr[i] = 1 - ytr[i];
    }
    LinearProbe.Options o =
        LinearProbe.Options.defaults().withEpochs(3).withBatchSize(64).withSeed(7);
    LinearProbeResult a = LinearProbe.fit(xtr, ytr, xte, yte, DIM, o);
    int threadsBefore = org.sdlgm.engine.LibTorch.threads();
    LinearProbeResult b = LinearProbe.fit(xtr, ytr, xte, yte, DIM, o.withThreads(2));
    assertEquals(a, b);
    // The probe's process-wide thread setting must not outlive the call.
    assertEquals(threadsBefore, org.sdlgm.engine.LibTorch.threads());
  }

  @Test
  void singleClassIsTrivial() {
    LinearProbeResult r =
        LinearProbe.fit(
            new float[] {1, 2, 3, 4},
            new int[] {0, 0},
            new float[] {5, 6},
            new int[] {0},
            2,
            LinearProbe.Options.defaults());
    assertEquals(new LinearProbeResult(1.0, 1.0, 1), r);
  }

  @Test
  void badShapesRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LinearProbe.fit(
                new float[5],
                new int[2],
                new float[0],
                new int[0],
                3,
                LinearProbe.Options.defaults()));
    assertThrows(
        IllegalArgumentException.class, () -> LinearProbe.Options.defaults().withBatchSize(0));
  }

  @Test
  void dimensionConstantInTrainingDoesNotDecideTestPredictions() {
    // Dimension 0 separates the classes: its sign is the class (−1 for class 0, +1 for class 1,
    // magnitudes 1.0..1.6 in training). Dimension 1 is never active in training (always 0,
    // standard deviation 0) and slightly active (0.01) in every test row — a code dimension the
    // training codes never used. It carries no class information, so the probe must classify
    // every test row by dimension 0: test accuracy 200/200 = 1.
    // With the standard deviation floored at 1e-6, dimension 1 became 0.01 / 1e-6 = 10,000
    // standard deviations in every test row, and its weight — which training never touched but
    // for weight decay — decided every prediction: one class for all rows, accuracy 1/2.
    int n = 1000;
    int m = 200;
    int[] ytr = new int[n];
    int[] yte = new int[m];
    float[] xtr = new float[n * 2];
    float[] xte = new float[m * 2];
    for (int i = 0; i < n; i++) {
      ytr[i] = i % 2;
      xtr[2 * i] = (ytr[i] == 0 ? -1f : 1f) * (1 + 0.1f * (i % 7));
    }
    for (int i = 0; i < m; i++) {
      yte[i] = i % 2;
      xte[2 * i] = yte[i] == 0 ? -1f : 1f;
      xte[2 * i + 1] = 0.01f;
    }
    LinearProbeResult r = LinearProbe.fit(xtr, ytr, xte, yte, 2, LinearProbe.Options.defaults());
    assertEquals(1.0, r.trainAccuracy());
    assertEquals(1.0, r.testAccuracy());
  }

  @Test
  void gradientThatSumsToZeroIsNotAnError() {
    // The softmax cross-entropy gradient of a linear layer sums to 0 over the classes for every
    // row (Σ_c (p_c − y_c) = 0, for the bias and for each weight column), so the sum of all
    // gradients is 0 up to rounding on every step. DJL's Trainer.step() takes an exact 0 on its
    // first step for a missing backward() and throws; on this symmetric two-class set the
    // rounding cancels exactly. x = −1 for class 0 and +1 for class 1: separable by the sign of
    // x, so after training train and test accuracy are 4/4 = 1 and 2/2 = 1.
    LinearProbeResult r =
        LinearProbe.fit(
            new float[] {-1, 1, -1, 1},
            new int[] {0, 1, 0, 1},
            new float[] {-1, 1},
            new int[] {0, 1},
            1,
            LinearProbe.Options.defaults().withEpochs(500));
    assertEquals(new LinearProbeResult(1.0, 1.0, 2), r);
  }
}
