package org.sdlgm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataPlan;
import org.sdlgm.data.TrainTest;
import org.sdlgm.eval.EvalOptions;
import org.sdlgm.eval.Evaluation;
import org.sdlgm.eval.Evaluator;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.TrainConfig;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.train.Recipes;
import org.sdlgm.train.SdlgmTrainer;
import org.sdlgm.train.TrainingRun;

/** The Java example of README.md, run as written (on a smaller data spec). */
class LibraryExampleTest {
  private static final Path SOURCE = Path.of("src/test/java/org/sdlgm/LibraryExampleTest.java");

  @Test
  void readmeExampleRuns(@TempDir Path dir) {
    String spec = "synthetic:n=100,test=20";
    SparseCode again;
    SparseCode one;
    Evaluation ev;
    List<SparseCode> codes;
    SdlgmConfig config;
    // --- README example starts ---
    SdlgmRuntime.configure(0); // DJL offline; default thread count
    TrainTest data = new DataPlan(spec, null, 0, 1).load();
    config = Recipes.syntheticModel().withInputDim(data.train().dim());
    TrainConfig training = Recipes.syntheticTraining();
    try (TrainingRun<SparseCoder> run = new SdlgmTrainer(config, training).fit(data.train())) {
      SparseCoder coder = run.model(); // closed with the run
      one = coder.encode(data.test().row(0)); // L̂, indices, values, q(L|x)
      codes = coder.encode(data.test().features(), data.test().size(), 1000);
      ev = new Evaluator(EvalOptions.defaults()).evaluate(coder, data.train(), data.test());
      ModelDirectory.save(dir, coder, training, data.train(), run.history());
    }
    try (SparseCoder loaded = ModelDirectory.loadCoder(dir)) { // or a directory `sdlgm train` wrote
      again = loaded.encode(data.test().row(0));
    }
    // --- README example ends ---
    assertEquals(20, codes.size());
    int cap = config.maxLevel();
    assertTrue(codes.stream().allMatch(c -> c.nnz() <= cap));
    assertTrue(ev.nnz().max() <= cap);
    assertArrayEquals(codes.get(0).indices(), one.indices());
    assertArrayEquals(one.indices(), again.indices());
    assertArrayEquals(one.values(), again.values(), 1e-6f);
  }

  /**
   * The README's block is this test's block: the same statements in the same order, up to
   * whitespace and the declarations this test hoists out of its block to assert on.
   */
  @Test
  void readmeShowsTheTestedCode() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int from = readme.indexOf("```java", readme.indexOf("## Use it from Java"));
    String block =
        readme.substring(readme.indexOf('\n', from) + 1, readme.indexOf("```", from + 7));
    String source = Files.readString(SOURCE);
    String tested =
        source.substring(
            source.indexOf("// --- README example starts ---"),
            source.indexOf("// --- README example ends ---"));
    String shown =
        block
            .lines()
            .filter(l -> !l.startsWith("String spec ="))
            .map(LibraryExampleTest::statement)
            .reduce("", String::concat);
    String ran =
        tested.lines().skip(1).map(LibraryExampleTest::statement).reduce("", String::concat);
    assertEquals(ran, shown);
  }

  /** A line without its comment, whitespace and the hoisted declarations' types. */
  private static String statement(String line) {
    int comment = line.indexOf("//");
    String code = comment >= 0 ? line.substring(0, comment) : line;
    return code.replaceAll("^\\s*(SdlgmConfig|SparseCode|Evaluation|List<SparseCode>)\\s+", "")
        .replaceAll("\\s+", "");
  }
}
