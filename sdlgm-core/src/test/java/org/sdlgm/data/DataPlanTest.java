package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPlanTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void separateCsvTestFileKeepsTheTrainingClasses() throws IOException {
    // Training classes 0, 1, 2; the (small) test file happens to lack class 0. Mapped on its own,
    // its labels 1 and 2 would become classes 0 and 1: every test label would be wrong.
    Path train = write("train.csv", "x,y\n0.1,0\n0.2,1\n0.3,2\n0.4,1\n");
    Path test = write("test.csv", "x,y\n0.5,2\n0.6,1\n0.7,2\n");
    TrainTest tt =
        new DataPlan("csv:" + train + ",label=y", "csv:" + test + ",label=y", 0, 1).load();
    assertArrayEquals(new int[] {0, 1, 2, 1}, tt.train().labels());
    assertArrayEquals(new int[] {2, 1, 2}, tt.test().labels());
  }

  @Test
  void testClassesAreMatchedByValueNotByRank() throws IOException {
    // Labels 5 and 7 in training are classes 0 and 1; the test file's 7 is class 1, and its
    // unseen 6 gets a class of its own after the training classes.
    Path train = write("a.csv", "1,5\n2,7\n3,5\n");
    Path test = write("b.csv", "4,7\n5,6\n6,5\n");
    TrainTest tt =
        new DataPlan("csv:" + train + ",label=last", "csv:" + test + ",label=last", 0, 1).load();
    assertArrayEquals(new int[] {0, 1, 0}, tt.train().labels());
    assertArrayEquals(new int[] {1, 2, 0}, tt.test().labels());
  }
}
