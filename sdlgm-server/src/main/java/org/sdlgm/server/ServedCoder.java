package org.sdlgm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sdlgm.data.InputScaling;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;

/**
 * An unsupervised model served: raw rows in (the coder applies the directory's input scaling
 * itself, as {@code sdlgm encode} does), deterministic sparse codes out, and on request the
 * decoder's mean x̂ mapped back to the raw scale of the rows so that a page can draw it beside the
 * input.
 */
final class ServedCoder implements ServedModel {
  /**
   * One request's rows, as parsed (sparse: densified a chunk at a time when its pass runs), and
   * whether it wants reconstructions.
   */
  record Job(Rows rows, boolean reconstruct) {}

  /** One request's codes and, if asked, reconstructions ({@code rows × D}, raw scale). */
  record Result(List<SparseCode> codes, float[] reconstruction) {}

  private final Path dir;
  private final ModelInfo<SdlgmConfig, DataSchema> info;
  private final SparseCoder coder;
  private final InputScaling scaling;

  private ServedCoder(Path dir, ModelInfo<SdlgmConfig, DataSchema> info, SparseCoder coder) {
    this.dir = dir;
    this.info = info;
    this.coder = coder;
    this.scaling = coder.inputScaling();
  }

  /** The coder of {@code dir}, encoding with {@code levelInference} (null: the model's own). */
  static ServedCoder load(Path dir, LevelInference levelInference) {
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(dir);
    if (levelInference != null) {
      info = info.withModel(info.model().withLevelInference(levelInference));
      info.model().headAtCapNote().ifPresent(System.err::println);
    }
    return new ServedCoder(dir, info, ModelDirectory.loadCoder(dir, info));
  }

  ModelInfo<SdlgmConfig, DataSchema> info() {
    return info;
  }

  SparseCoder coder() {
    return coder;
  }

  @Override
  public String kind() {
    return "coder";
  }

  @Override
  public int inputDim() {
    return info.model().inputDim();
  }

  int latentDim() {
    return info.model().latentDim();
  }

  /**
   * Runs the jobs of one micro-batch: their rows, one after another, densified and encoded by
   * {@link SparseCoder#encode} in chunks of at most {@code chunkRows} rows ({@link Rows#chunkRows};
   * one call per chunk, which the workers split when it is large enough), so that a pass needs
   * memory for one dense chunk whatever its requests hold. Then decodes the codes of the jobs that
   * want reconstructions.
   */
  List<Result> run(List<Job> jobs, int chunkRows) {
    int d = inputDim();
    int total = 0;
    List<Rows> parts = new ArrayList<>(jobs.size());
    for (Job j : jobs) {
      total += j.rows().size();
      parts.add(j.rows());
    }
    float[] x = new float[Math.multiplyExact(Math.min(total, chunkRows), d)];
    List<SparseCode> codes = new ArrayList<>(total);
    for (int from = 0; from < total; from += chunkRows) {
      int b = Math.min(chunkRows, total - from);
      Rows.dense(parts, from, b, x);
      codes.addAll(coder.encode(x, b, b));
    }
    List<Result> out = new ArrayList<>(jobs.size());
    int from = 0;
    for (Job j : jobs) {
      int n = j.rows().size();
      List<SparseCode> mine = codes.subList(from, from + n);
      out.add(new Result(List.copyOf(mine), j.reconstruct() ? reconstruct(mine, chunkRows) : null));
      from += n;
    }
    return out;
  }

  /** x̂ of each code, in the raw scale of the input rows. */
  private float[] reconstruct(List<SparseCode> codes, int chunkRows) {
    int k = latentDim();
    int d = inputDim();
    float[] z = new float[codes.size() * k];
    for (int i = 0; i < codes.size(); i++) {
      System.arraycopy(codes.get(i).toDense(k), 0, z, i * k, k);
    }
    float[] x = coder.decodeMean(z, codes.size(), chunkRows);
    if (!scaling.isIdentity()) {
      // decodeMean works in the scaled space; undo (x − offset) / scale column by column.
      float[] off = scaling.offset();
      float[] sc = scaling.scale();
      for (int i = 0; i < codes.size(); i++) {
        for (int j = 0; j < d; j++) {
          x[i * d + j] = x[i * d + j] * sc[j] + off[j];
        }
      }
    }
    return x;
  }

  @Override
  public ObjectNode describe() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", kind());
    n.put("directory", dir.toAbsolutePath().normalize().toString());
    n.put("method", info.model().method() == null ? "" : info.model().method().id());
    n.put("inputDim", inputDim());
    n.put("latentDim", latentDim());
    n.put("maxLevel", info.model().maxLevel());
    n.put("levelInference", info.model().levelInference().id());
    int h = info.data() == null ? 0 : info.data().imageHeight();
    int w = info.data() == null ? 0 : info.data().imageWidth();
    if (h > 0 && w > 0 && h * w == inputDim()) {
      ObjectNode image = n.putObject("image");
      image.put("height", h);
      image.put("width", w);
    } else {
      n.putNull("image");
    }
    n.set("config", Json.MAPPER.valueToTree(info));
    n.set("metrics", metrics(dir));
    return n;
  }

  /** metrics.json of a model directory, or null when it has none (or it cannot be read). */
  static JsonNode metrics(Path dir) {
    Path f = dir.resolve(ModelDirectory.METRICS);
    if (!Files.isRegularFile(f)) {
      return Json.MAPPER.nullNode();
    }
    try {
      return Json.MAPPER.readTree(f.toFile());
    } catch (java.io.IOException e) {
      return Json.MAPPER.nullNode();
    }
  }

  @Override
  public void close() {
    coder.close();
  }
}
