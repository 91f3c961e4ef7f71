package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.InputScaling;
import org.sdlgm.encode.CodeWriter;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * {@code --input-scaling}: raw CSV values 0..16 are refused under the Bernoulli likelihood with a
 * message that points at the value and the fix; with minmax the model trains, stores its scaling,
 * and {@code encode} on the raw file gives the codes of the pre-scaled rows.
 */
class InputScalingCliTest {
  private static final List<String> SMALL =
      List.of(
          "-K",
          "8",
          "-L",
          "2",
          "--encoder",
          "16",
          "--decoder-hidden",
          "16",
          "--validation",
          "0",
          "--no-report",
          "--epochs",
          "1");

  @TempDir static Path shared;
  static Path csv;
  static Path noHeader;
  static String spec;
  static Path model;

  @TempDir Path tmp;

  /**
   * 60 rows: a label column first, then p0..p5 with integer values 0..16. Rows 1 and 2 are 0/1, row
   * 3 has 16 in p2 (its first value outside [0,1]), so that a message naming row 3 and column 'p2'
   * is right and a mapping that forgets the label column is not.
   */
  @BeforeAll
  static void data() throws IOException {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      rows.append(i % 2);
      for (int j = 0; j < 6; j++) {
        int v = i < 2 ? j % 2 : i == 2 ? (j < 2 ? j % 2 : 16) : (i * 5 + j * 3) % 17;
        rows.append(',').append(v);
      }
      rows.append('\n');
    }
    csv = shared.resolve("digits.csv");
    Files.writeString(csv, "label,p0,p1,p2,p3,p4,p5\n" + rows, StandardCharsets.UTF_8);
    noHeader = shared.resolve("digits-raw.csv");
    Files.writeString(noHeader, rows.toString(), StandardCharsets.UTF_8);
    spec = "csv:" + csv + ",label=first";
    model = shared.resolve("minmax");
    Cli.ok(
        Cli.args(
            "train",
            "--data",
            spec,
            "--split",
            "0.8",
            SMALL,
            "--input-scaling",
            "minmax",
            "--out",
            model.toString()));
  }

  private String refused(String data, Path out, String... extra) throws IOException {
    Cli.Result r =
        Cli.run(Cli.args("train", "--data", data, SMALL, "--out", out.toString(), extra));
    assertEquals(2, r.code(), r::toString);
    assertFalse(r.err().contains("\tat "), r::toString);
    assertFalse(Files.exists(out) && !Cli.filesUnder(out).isEmpty(), "output written to " + out);
    String e = r.error();
    assertTrue(e.contains("--input-scaling minmax") && e.contains("--likelihood gaussian"), e);
    return e;
  }

  @Test
  void bernoulliOnRawCountsIsRefusedNamingSourceRowAndColumn() throws IOException {
    String e = refused(spec, tmp.resolve("a"));
    assertTrue(e.contains(spec), e);
    assertTrue(e.contains("row 3 ") && e.contains("column 'p2'") && e.contains("value 16 "), e);
    // A split shuffles the rows; the message still counts them as the file does.
    e = refused(spec, tmp.resolve("b"), "--split", "0.5");
    assertTrue(e.contains("row 3 ") && e.contains("column 'p2'"), e);
    // Without a header, the column is counted in the file (the label column included).
    e = refused("csv:" + noHeader + ",label=first", tmp.resolve("c"));
    assertTrue(e.contains("row 3 ") && e.contains("column 4 "), e);
    // Standardised values are below 0 for a Bernoulli likelihood as well.
    e = refused(spec, tmp.resolve("d"), "--input-scaling", "standardize");
    assertTrue(
        e.contains("row 1 ")
            && e.contains("column 'p0'")
            && e.contains("value 0 (")
            && e.contains("after standardize scaling"),
        e);
  }

  @Test
  void otherLikelihoodsAndTasksAreNotAffected() throws IOException {
    Cli.ok(
        Cli.args(
            "train",
            "--data",
            spec,
            SMALL,
            "--likelihood",
            "gaussian",
            "--no-eval",
            "--out",
            tmp.resolve("g").toString()));
    Cli.Result r =
        Cli.run(
            "train",
            "--task",
            "multilabel",
            "--data",
            "synthetic-ml:n=50",
            "--input-scaling",
            "minmax",
            "--out",
            tmp.resolve("ml").toString());
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.error().contains("--input-scaling"), r::toString);
    r =
        Cli.run(
            Cli.args(
                "train",
                "--data",
                spec,
                SMALL,
                "--input-scaling",
                "log",
                "--out",
                tmp.resolve("bad").toString()));
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.error().contains("minmax"), r::toString);
  }

  @Test
  void minmaxModelStoresItsScalingAndEvaluates() throws IOException {
    JsonNode s = Cli.readJson(model.resolve("scaling.json"));
    assertEquals("minmax", s.path("kind").asText());
    assertTrue(s.path("clip").asBoolean(), s::toString);
    assertEquals(6, s.path("scale").size());
    Cli.Result r = Cli.ok("eval", "--model", model.toString(), "--no-probe");
    assertTrue(r.out().contains("nnz"), r::toString);
  }

  @Test
  void resumeMustKeepTheScaling() {
    // Refused before the trainer looks at the checkpoint: the model stays as it was.
    Cli.Result r =
        Cli.run(
            Cli.args(
                "train",
                "--data",
                spec,
                "--split",
                "0.8",
                SMALL,
                "--resume",
                "--out",
                model.toString()));
    assertEquals(2, r.code(), r::toString);
    assertTrue(r.error().contains("--input-scaling minmax"), r::toString);
  }

  @Test
  void encodeOnTheRawFileEqualsEncodingPreScaledRows() throws IOException {
    Path out = tmp.resolve("codes.jsonl");
    Cli.ok("encode", "--model", model.toString(), "--data", spec, "--out", out.toString());
    byte[] cli = Files.readAllBytes(out);

    Dataset raw = DataSpecs.parse(spec).load().train();
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(model);
    InputScaling scaling = ModelDirectory.readScaling(model, info);
    float[] scaled = scaling.apply(raw.features(), raw.size());
    for (float v : scaled) {
      assertTrue(v >= 0f && v <= 1f, "minmax with clipping left [0,1]: " + v);
    }
    try (SparseCoder coder = ModelDirectory.loadForScaledRows(model, info)) {
      assertArrayEquals(
          jsonl(coder.encode(scaled, raw.size(), 1000), 8),
          cli,
          "encode on the raw CSV differs from encoding the pre-scaled rows");
    }
    // The library's one-argument load scales raw rows itself.
    try (SparseCoder coder = ModelDirectory.loadCoder(model)) {
      assertArrayEquals(cli, jsonl(coder.encode(raw.features(), raw.size(), 1000), 8));
    }
  }

  @Test
  void aModelDirectoryWithoutScalingFileStillLoads() throws IOException {
    Path old = tmp.resolve("old");
    Files.createDirectories(old);
    for (String f : List.of("config.json", "model.params")) {
      Files.copy(model.resolve(f), old.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(old);
    assertTrue(ModelDirectory.readScaling(old, info).isIdentity());
    Dataset raw = DataSpecs.parse(spec).load().train();
    float[] scaled = ModelDirectory.readScaling(model, info).apply(raw.features(), raw.size());
    try (SparseCoder coder = ModelDirectory.loadCoder(old);
        SparseCoder scaledRows = ModelDirectory.loadForScaledRows(model, info)) {
      assertTrue(coder.inputScaling().isIdentity());
      // Without the file, rows are taken as they are: pre-scaled rows give the model's codes.
      assertArrayEquals(
          jsonl(scaledRows.encode(scaled, raw.size(), 1000), 8),
          jsonl(coder.encode(scaled, raw.size(), 1000), 8));
    }
    Path out = tmp.resolve("old-codes.jsonl");
    Cli.ok("encode", "--model", old.toString(), "--data", spec, "--out", out.toString());
    assertEquals(60, Files.readAllLines(out).size());
  }

  private static byte[] jsonl(List<SparseCode> codes, int k) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (CodeWriter w = CodeWriter.of("jsonl", b, k)) {
      for (int i = 0; i < codes.size(); i++) {
        w.write(i, codes.get(i));
      }
    }
    return b.toByteArray();
  }
}
