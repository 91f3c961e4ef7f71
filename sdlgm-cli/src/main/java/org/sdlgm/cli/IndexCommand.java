package org.sdlgm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.index.CodeIndexWriter;
import org.sdlgm.index.IndexInfo;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.Method;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdlgm index}: encode rows with a model and write a Lucene index of their codes. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Encode rows and write a search index of their sparse codes.",
      "",
      "Encodes the rows with the model (its input scaling applied) and writes a Lucene index:",
      "one document per row with its code as weighted terms (one per active dimension), its id",
      "(the row number, or the matching line of --ids), its label when the data have labels",
      "and, for inputs of at most 4096 values, the raw row. The index is tied to the model by",
      "the fingerprint of its model.params; 'sdlgm search' refuses another model.",
      "--level-inference (default: the model's own) is recorded in the index, and 'sdlgm search'",
      "and 'sdlgm serve --index' encode queries the same way.",
      "",
      "Example: sdlgm index --model runs/fmnist --data fashion-mnist:/usr/share/datasets/fashion-mnist --out runs/fmnist-index"
    })
final class IndexCommand implements Callable<Integer> {
  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "DIR",
      description = "Model directory.")
  Path model;

  @Option(
      names = {"-d", "--data"},
      required = true,
      paramLabel = "SPEC",
      description = "Rows to index (same syntax as train --data).")
  String data;

  @Option(
      names = "--part",
      paramLabel = "train|test|all",
      description = "Which part of the source (default train: for csv/idx sources, every row).")
  String part = "train";

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "INDEX",
      description = "Index directory to write.")
  Path out;

  @Option(
      names = "--ids",
      paramLabel = "FILE",
      description =
          "UTF-8 text file with one id per row, in row order (default: the row numbers 0, 1, ...).")
  Path ids;

  @Option(names = "--overwrite", description = "Replace an existing index.")
  boolean overwrite;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Rows per encoding batch (default 1000).")
  int batch = 1000;

  @Mixin ThreadsOption threads;

  @Mixin LevelInferenceOption levelInference;

  @Override
  public Integer call() {
    if (batch < 1) {
      throw new SdlgmException("--batch must be ≥ 1, got " + batch);
    }
    // The index records the inference, and queries (search, serve) are encoded with it.
    ModelInfo<SdlgmConfig, DataSchema> info =
        levelInference.apply(ModelDirectory.readCoderInfo(model));
    if (info.model().method() == Method.VAE) {
      throw new SdlgmException(
          model
              + ": a dense VAE (method vae) gives codes with all "
              + info.model().latentDim()
              + " dimensions non-zero; the index holds sparse codes of at most L0");
    }
    IndexInfo indexInfo = IndexInfo.forModel(model, info).toBuilder().data(data, part).build();
    long t0 = System.nanoTime();
    double encodeSecs = 0;
    IndexInfo written;
    // The writer first: a taken --out fails before any work; closing it uncommitted discards it.
    try (CodeIndexWriter writer = CodeIndexWriter.create(out, indexInfo, overwrite)) {
      Dataset rows = DataParts.rows(data, part);
      EvalCommand.checkDim(info, rows.dim(), data);
      String[] idList = ids == null ? null : readIds(ids, rows.size());
      int d = rows.dim();
      try (SparseCoder coder = ModelDirectory.loadCoder(model, info)) {
        int chunk = Math.max(batch, 10_000);
        float[] buf = new float[chunk * d];
        int[] labels = rows.labels();
        for (int from = 0; from < rows.size(); from += chunk) {
          int n = Math.min(chunk, rows.size() - from);
          rows.copyRows(from, from + n, buf);
          long e0 = System.nanoTime();
          List<SparseCode> codes = coder.encode(buf, n, batch);
          encodeSecs += (System.nanoTime() - e0) / 1e9;
          for (int i = 0; i < n; i++) {
            int row = from + i;
            float[] input =
                writer.storesInput() ? Arrays.copyOfRange(buf, i * d, (i + 1) * d) : null;
            writer.add(
                idList == null ? Integer.toString(row) : idList[row],
                labels == null ? null : Integer.toString(labels[row]),
                codes.get(i),
                input);
          }
        }
      }
      written = writer.commit();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.err.println(
        String.format(
            Locale.ROOT,
            "indexed %d rows in %.2f s (encoding %.2f s, indexing %.2f s) into %s: %.2f MB on disk%s",
            written.documents(),
            secs,
            encodeSecs,
            secs - encodeSecs,
            out,
            sizeOf(out) / 1e6,
            written.inputStored() ? ", raw rows included" : ""));
    return 0;
  }

  /**
   * The ids of {@code --ids}: one non-empty, unique id per line, exactly one line per row; errors
   * name the file and the line.
   */
  static String[] readIds(Path file, int rows) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new SdlgmException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new SdlgmException(file + ": cannot read the ids (" + e.getMessage() + ")");
    }
    if (lines.size() > rows) {
      throw new SdlgmException(
          file
              + " line "
              + (rows + 1)
              + ": more ids than the "
              + rows
              + " rows of the data (one id per row)");
    }
    if (lines.size() < rows) {
      throw new SdlgmException(
          file
              + ": "
              + lines.size()
              + " lines, but the data have "
              + rows
              + " rows (one id per row; line "
              + (lines.size() + 1)
              + " is missing)");
    }
    Map<String, Integer> seen = new HashMap<>();
    String[] out = new String[rows];
    for (int i = 0; i < rows; i++) {
      String id = lines.get(i).strip();
      if (id.isEmpty()) {
        throw new SdlgmException(file + " line " + (i + 1) + ": empty id");
      }
      Integer first = seen.putIfAbsent(id, i + 1);
      if (first != null) {
        throw new SdlgmException(
            file + " line " + (i + 1) + ": duplicate id '" + id + "' (also on line " + first + ")");
      }
      out[i] = id;
    }
    return out;
  }

  /** Bytes of the files under {@code dir}. */
  static long sizeOf(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
