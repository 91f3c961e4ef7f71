package org.sdlgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.encode.CodeWriter;
import org.sdlgm.io.DataSchema;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.SdlgmConfig;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.SparseCoder;
import org.sdlgm.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdlgm encode}: turn rows into deterministic sparse codes. */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
      "Encode rows into sparse codes with at most L0 non-zeros.",
      "",
      "Encode rows into deterministic sparse codes (L̂ = argmax q(L|x), the top-L̂ selection",
      "logits, values μ): never more than L0 non-zeros. JSON Lines, one object per row:",
      "  {\"id\":0,\"L\":3,\"indices\":[4,17,90],\"values\":[0.8,-1.2,0.3],\"pL\":[...]}",
      "or CSV with the dense code (id,L,nnz,z0..zK-1). Rows are scaled with the model's",
      "input scaling (scaling.json, fitted on its training rows) first.",
      "",
      "Example: sdlgm encode --model runs/fmnist --data fashion-mnist:/usr/share/datasets/fashion-mnist --part test --out codes.jsonl"
    })
final class EncodeCommand implements Callable<Integer> {
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
      description = "Rows to encode (same syntax as train --data).")
  String data;

  @Option(
      names = "--part",
      paramLabel = "train|test|all",
      description = "Which part of the source (default train: for csv/idx sources, every row).")
  String part = "train";

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "Output file.")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "jsonl|csv",
      description = "Output format (default: from the file extension, else jsonl).")
  String format;

  @Option(names = "--batch", paramLabel = "B", description = "Rows per batch (default 1000).")
  int batch = 1000;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Mixin LevelInferenceOption levelInference;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() {
    if (batch < 1) {
      throw new SdlgmException("--batch must be ≥ 1, got " + batch);
    }
    OutputChecks.file(out, "--out");
    OutputChecks.notModelFile(out, "--out");
    OutputChecks.notInput(out, "--out", data);
    if (Files.exists(out) && !overwrite) {
      throw new SdlgmException(out + ": exists; use --overwrite to replace it");
    }
    String fmt =
        format != null
            ? format.toLowerCase(Locale.ROOT)
            : out.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl";
    if (!fmt.equals("jsonl") && !fmt.equals("csv")) {
      throw new SdlgmException("--format must be jsonl or csv, got '" + format + "'");
    }
    ModelInfo<SdlgmConfig, DataSchema> info = ModelDirectory.readCoderInfo(model);
    info = levelInference.apply(info);
    Dataset rows = DataParts.rows(data, part);
    EvalCommand.checkDim(info, rows.dim(), data);
    long t0 = System.nanoTime();
    int k = info.model().latentDim();
    int d = rows.dim();
    // This coder scales the raw rows itself (the model directory's scaling.json).
    try (SparseCoder coder = ModelDirectory.loadCoder(model, info)) {
      AtomicFiles.write(
          out,
          os -> {
            try (CodeWriter writer = CodeWriter.of(fmt, os, k)) {
              // Encode and write chunk by chunk: the codes of all rows are never held at once.
              int chunk = Math.max(batch, 10_000);
              float[] buf = new float[chunk * d];
              for (int from = 0; from < rows.size(); from += chunk) {
                int n = Math.min(chunk, rows.size() - from);
                rows.copyRows(from, from + n, buf);
                List<SparseCode> codes = coder.encode(buf, n, batch);
                for (int i = 0; i < n; i++) {
                  writer.write(from + i, codes.get(i));
                }
              }
            }
          });
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.err.println(
        String.format(
            Locale.ROOT,
            "encoded %d rows in %.2f s (%,.0f rows/s) into %s",
            rows.size(),
            secs,
            rows.size() / Math.max(secs, 1e-9),
            out));
    return 0;
  }
}
