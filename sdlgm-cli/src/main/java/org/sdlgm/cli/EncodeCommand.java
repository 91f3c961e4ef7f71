package org.sdlgm.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.Dataset;
import org.sdlgm.data.DataSpecs;
import org.sdlgm.data.TrainTest;
import org.sdlgm.encode.SparseCode;
import org.sdlgm.io.AtomicFiles;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.io.ModelInfo;
import org.sdlgm.model.SparseCoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sdlgm encode}: turn rows into deterministic sparse codes. */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.Version.class,
    description = {
        "Encode rows into deterministic sparse codes (L̂ = argmax q(L|x), the top-L̂ selection",
        "logits, values μ): never more than L0 non-zeros. JSON Lines, one object per row:",
        "  {\"id\":0,\"L\":3,\"indices\":[4,17,90],\"values\":[0.8,-1.2,0.3],\"pL\":[...]}",
        "or CSV with the dense code (id,L,nnz,z0..zK-1).",
        "",
        "Example: sdlgm encode --model runs/fmnist --data fashion-mnist:/usr/share/datasets/fashion-mnist --part test --out codes.jsonl"})
final class EncodeCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR", description = "Model directory.")
  Path model;

  @Option(names = {"-d", "--data"}, required = true, paramLabel = "SPEC", description = "Rows to encode (same syntax as train --data).")
  String data;

  @Option(names = "--part", paramLabel = "train|test|all", description = "Which part of the source (default train: for csv/idx sources, every row).")
  String part = "train";

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Output file.")
  Path out;

  @Option(names = "--format", paramLabel = "jsonl|csv", description = "Output format (default: from the file extension, else jsonl).")
  String format;

  @Option(names = "--batch", paramLabel = "B", description = "Rows per batch (default 1000).")
  int batch = 1000;

  @Option(names = "--overwrite", description = "Replace an existing output file.")
  boolean overwrite;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() {
    if (batch < 1) {
      throw new SdlgmException("--batch must be ≥ 1, got " + batch);
    }
    if (Files.exists(out) && !overwrite) {
      throw new SdlgmException(out + ": exists; use --overwrite to replace it");
    }
    String fmt = format != null ? format.toLowerCase(Locale.ROOT)
        : out.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "jsonl";
    if (!fmt.equals("jsonl") && !fmt.equals("csv")) {
      throw new SdlgmException("--format must be jsonl or csv, got '" + format + "'");
    }
    ModelInfo info = ModelDirectory.readInfo(model);
    TrainTest tt = DataSpecs.parse(data).load();
    Dataset rows = switch (part) {
      case "train" -> tt.train();
      case "test" -> {
        if (!tt.hasTest()) {
          throw new SdlgmException(data + ": has no test part; use --part train");
        }
        yield tt.test();
      }
      case "all" -> tt.hasTest() ? concat(tt.train(), tt.test()) : tt.train();
      default -> throw new SdlgmException("--part must be train, test or all, got '" + part + "'");
    };
    EvalCommand.checkDim(info, rows.dim(), data);
    long t0 = System.nanoTime();
    List<SparseCode> codes;
    try (SparseCoder coder = ModelDirectory.load(model)) {
      codes = coder.encode(rows.features(), rows.size(), batch);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    int k = info.model().latentDim();
    AtomicFiles.write(out, os -> {
      if (fmt.equals("jsonl")) {
        try (JsonGenerator g = ModelDirectory.json().getFactory().createGenerator(os, JsonEncoding.UTF8)) {
          g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
          for (int i = 0; i < codes.size(); i++) {
            SparseCode c = codes.get(i);
            g.writeStartObject();
            g.writeNumberField("id", i);
            g.writeNumberField("L", c.level());
            g.writeFieldName("indices");
            g.writeArray(c.indices(), 0, c.indices().length);
            g.writeArrayFieldStart("values");
            for (float v : c.values()) {
              g.writeNumber(v);
            }
            g.writeEndArray();
            if (c.levelProbs() != null) {
              g.writeArrayFieldStart("pL");
              for (float v : c.levelProbs()) {
                g.writeNumber(v);
              }
              g.writeEndArray();
            }
            g.writeEndObject();
          }
          g.writeRaw('\n');
        }
      } else {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder("id,L,nnz");
        for (int j = 0; j < k; j++) {
          sb.append(",z").append(j);
        }
        w.write(sb.append('\n').toString());
        for (int i = 0; i < codes.size(); i++) {
          SparseCode c = codes.get(i);
          sb.setLength(0);
          sb.append(i).append(',').append(c.level()).append(',').append(c.nnz());
          float[] d = c.toDense(k);
          for (float v : d) {
            sb.append(',').append(v == 0f ? "0" : Float.toString(v));
          }
          w.write(sb.append('\n').toString());
        }
        w.flush();
      }
    });
    System.err.println(String.format(Locale.ROOT, "encoded %d rows in %.2f s (%,.0f rows/s) into %s",
        codes.size(), secs, codes.size() / Math.max(secs, 1e-9), out));
    return 0;
  }

  private static Dataset concat(Dataset a, Dataset b) {
    float[] f = new float[a.features().length + b.features().length];
    System.arraycopy(a.features(), 0, f, 0, a.features().length);
    System.arraycopy(b.features(), 0, f, a.features().length, b.features().length);
    return Dataset.builder(a.name() + "+" + b.name(), a.dim(), f).build();
  }
}
