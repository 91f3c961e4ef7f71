package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sdlgm.io.RunLock;

/**
 * The bad-input table: every way of calling the tool wrongly that the reliability review found
 * (issue "Nothing lost, nothing mixed"), and the older ones. Each case must end with exit code 2,
 * exactly one {@code error:} line on stderr that names the culprit, no stack trace, and the case's
 * folder exactly as it was before (every file's bytes; an output folder that did not exist must
 * still not exist). The lock file's content (its holder) is the only exception.
 */
class BadInputTableTest {
  @TempDir static Path shared;

  /** A finished tiny model with its checkpoint (trained once, copied by the cases). */
  static Path model;

  @BeforeAll
  static void trainOnce() {
    model = shared.resolve("model");
    Cli.trainTiny(model, 1, "--no-eval");
  }

  /** Builds a case's files under {@code tmp} and returns its arguments. */
  @FunctionalInterface
  interface Setup {
    String[] args(Path tmp) throws IOException;
  }

  /** One row of the table; {@code mentions} may use {TMP} for the case's folder. */
  record Case(String name, Setup setup, List<String> mentions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, Setup setup, String... mentions) {
    return new Case(name, setup, List.of(mentions));
  }

  static String[] train(Path out, Object... extra) {
    return trainData(Cli.SYN, out, extra);
  }

  static String[] trainData(String data, Path out, Object... extra) {
    return Cli.args(
        "train",
        "--data",
        data,
        Cli.TINY,
        "--epochs",
        "1",
        "--no-eval",
        "--out",
        out.toString(),
        List.of(extra).stream().map(Object::toString).toList());
  }

  /** The fixture model copied to {@code tmp/m}. */
  static Path copy(Path tmp) throws IOException {
    Path m = tmp.resolve("m");
    Cli.copyTree(model, m);
    return m;
  }

  /** {@code train ... --resume} into a copy of the fixture, with these changes. */
  static String[] resume(Path m, Object... changes) {
    List<Object> a = new ArrayList<>(List.of("train", "--data", Cli.SYN));
    a.addAll(Cli.TINY);
    a.addAll(List.of("--epochs", "2", "--no-eval", "--resume", "--out", m.toString()));
    a.addAll(List.of(changes));
    return Cli.args(a.toArray());
  }

  static Path write(Path tmp, String name, String content) throws IOException {
    Path f = tmp.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static void editConfig(Path m, String field, int value) throws IOException {
    Path config = m.resolve("config.json");
    ObjectNode node = (ObjectNode) Cli.readJson(config);
    ((ObjectNode) node.get("model")).put(field, value);
    Files.writeString(config, Cli.JSON.writeValueAsString(node));
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ---- sizes that cannot be allocated ----
        c(
            "latent dim 2^31-1",
            t ->
                Cli.args(
                    "train",
                    "--data",
                    Cli.SYN,
                    "-K",
                    "2147483647",
                    "-L",
                    "4",
                    "--epochs",
                    "1",
                    "--out",
                    t.resolve("out").toString()),
            "model too large",
            "2147483647"),
        c(
            "encoder width 2e9",
            t -> train(t.resolve("out"), "--encoder", "2000000000"),
            "model too large",
            "2000000000"),
        c(
            "batch 2^31-1",
            t -> train(t.resolve("out"), "--batch", "2147483647"),
            "--batch 2147483647"),
        c(
            "multi-label hidden width 2e9",
            t ->
                Cli.args(
                    "train",
                    "--task",
                    "multilabel",
                    "--data",
                    "synthetic-ml:n=200,test=50,features=100,labels=10,lmax=3,seed=3",
                    "--hidden",
                    "2000000000",
                    "--out",
                    t.resolve("out").toString()),
            "model too large",
            "2000000000"),
        c(
            "data larger than the heap",
            t -> trainData("synthetic:n=2700000", t.resolve("out")),
            "synthetic:n=2700000",
            "heap"),
        // ---- training options ----
        c("batch 0", t -> train(t.resolve("out"), "--batch", "0"), "batch"),
        c("epochs 0", t -> train(t.resolve("out"), "--epochs", "0"), "epochs"),
        c("lr 0", t -> train(t.resolve("out"), "--lr", "0"), "learning rate"),
        c("lr negative", t -> train(t.resolve("out"), "--lr", "-1"), "learning rate"),
        c("validation 1", t -> train(t.resolve("out"), "--validation", "1"), "validation"),
        c(
            "validation negative",
            t -> train(t.resolve("out"), "--validation", "-0.1"),
            "validation"),
        c("seed not a number", t -> train(t.resolve("out"), "--seed", "abc"), "--seed", "abc"),
        c("threads 0", t -> train(t.resolve("out"), "--threads", "0"), "--threads"),
        c("threads not a number", t -> train(t.resolve("out"), "--threads=abc"), "--threads"),
        c(
            "checkpoint-every negative",
            t -> train(t.resolve("out"), "--checkpoint-every", "-1"),
            "checkpoint-every"),
        c("grad-clip negative", t -> train(t.resolve("out"), "--grad-clip", "-1"), "grad-clip"),
        c("delta negative", t -> train(t.resolve("out"), "--delta", "-1"), "--delta"),
        c(
            "adam-impl unknown",
            t -> train(t.resolve("out"), "--adam-impl", "sgd"),
            "--adam-impl",
            "sgd"),
        c("input-scaling unknown", t -> train(t.resolve("out"), "--input-scaling", "log"), "log"),
        c("L0 zero", t -> train(t.resolve("out"), "-L", "0"), "L0"),
        c(
            "L0 above K",
            t ->
                Cli.args(
                    "train",
                    "--data",
                    Cli.SYN,
                    "-K",
                    "4",
                    "-L",
                    "8",
                    "--epochs",
                    "1",
                    "--out",
                    t.resolve("out").toString()),
            "8",
            "4"),
        c("method unknown", t -> train(t.resolve("out"), "--method", "nope"), "nope"),
        c("task unknown", t -> train(t.resolve("out"), "--task", "nope"), "--task", "nope"),
        c("unknown option", t -> train(t.resolve("out"), "--nope"), "--nope"),
        c("--out missing", t -> Cli.args("train", "--data", Cli.SYN), "--out"),
        c(
            "resume and overwrite together",
            t -> resume(copy(t), "--overwrite"),
            "--resume",
            "--overwrite"),
        c(
            "multilabel without data",
            t -> Cli.args("train", "--task", "multilabel", "--out", t.resolve("out").toString()),
            "--data"),
        c(
            "multilabel option for unsupervised",
            t -> train(t.resolve("out"), "--hidden", "16"),
            "--hidden"),
        // ---- output folders ----
        c("out is a file", t -> train(write(t, "out", "a file")), "{TMP}/out", "file"),
        c(
            "out below a file",
            t -> {
              write(t, "f", "a file");
              return train(t.resolve("f").resolve("out"));
            },
            "{TMP}/f"),
        c(
            "out not creatable",
            t -> train(Path.of("/proc/sdlgm-no-such/out")),
            "/proc/sdlgm-no-such"),
        c(
            "out holds the user's file",
            t -> {
              write(t, "out/notes.txt", "mine");
              return train(t.resolve("out"));
            },
            "notes.txt"),
        c(
            "out holds the user's file, overwrite",
            t -> {
              write(t, "out/notes.txt", "mine");
              return train(t.resolve("out"), "--overwrite");
            },
            "notes.txt"),
        c(
            "model beside the user's file, overwrite",
            t -> {
              Path m = copy(t);
              write(m, "mine.txt", "x");
              return train(m, "--overwrite");
            },
            "mine.txt"),
        c("out holds a model", t -> train(copy(t)), "{TMP}/m", "--overwrite"),
        c(
            "out locked by a running train",
            t -> {
              Path m = copy(t);
              LOCKS.add(RunLock.acquire(m, "test"));
              return train(m, "--overwrite");
            },
            "in use",
            "pid"),
        c(
            "resume while locked",
            t -> {
              Path m = copy(t);
              LOCKS.add(RunLock.acquire(m, "test"));
              return resume(m);
            },
            "in use",
            "pid"),
        c(
            "demo into the user's folder",
            t -> {
              write(t, "d/notes.txt", "mine");
              return Cli.args("demo", "--epochs", "1", "--out", t.resolve("d").toString());
            },
            "notes.txt"),
        c(
            "demo into a model without overwrite",
            t -> Cli.args("demo", "--epochs", "1", "--out", copy(t).toString()),
            "--overwrite"),
        c(
            "demo plain",
            t -> Cli.args("demo", "--plain", "--out", t.resolve("d").toString()),
            "--plain"),
        // ---- resume ----
        c(
            "resume without checkpoint",
            t -> {
              Files.createDirectories(t.resolve("e"));
              return resume(t.resolve("e"));
            },
            "no checkpoint to resume from"),
        c("resume with another lr", t -> resume(copy(t), "--lr", "0.01"), "--lr", "0.001", "0.01"),
        c("resume with another seed", t -> resume(copy(t), "--seed", "7"), "--seed", "'1'", "'7'"),
        c(
            "resume with another batch",
            t -> resume(copy(t), "--batch", "50"),
            "--batch",
            "'100'",
            "'50'"),
        c(
            "resume with other data",
            t ->
                Cli.args(
                    "train",
                    "--data",
                    Cli.SYN.replace("seed=1", "seed=2"),
                    Cli.TINY,
                    "--epochs",
                    "2",
                    "--no-eval",
                    "--resume",
                    "--out",
                    copy(t).toString()),
            "--data",
            "seed=2"),
        c(
            "resume with another K",
            t ->
                Cli.args(
                    "train",
                    "--data",
                    Cli.SYN,
                    "-K",
                    "32",
                    "-L",
                    "4",
                    "--encoder",
                    "32",
                    "--decoder-hidden",
                    "32",
                    "--validation",
                    "0",
                    "--no-report",
                    "--epochs",
                    "2",
                    "--no-eval",
                    "--resume",
                    "--out",
                    copy(t).toString()),
            "model.latentDim",
            "16",
            "32"),
        c(
            "resume with another validation share",
            t -> resume(copy(t), "--validation", "0.1"),
            "--validation"),
        c(
            "resume with other input scaling",
            t -> resume(copy(t), "--input-scaling", "minmax", "--likelihood", "gaussian"),
            "scaling"),
        c(
            "resume from a damaged checkpoint",
            t -> {
              Path m = copy(t);
              flip(m.resolve("checkpoint/model.params"));
              return resume(m);
            },
            "model.params",
            "SHA-256"),
        c(
            "resume from a truncated checkpoint",
            t -> {
              Path m = copy(t);
              truncate(m.resolve("checkpoint/adam.state"));
              return resume(m);
            },
            "adam.state",
            "bytes"),
        c(
            "resume without manifest",
            t -> {
              Path m = copy(t);
              Files.delete(m.resolve("checkpoint/manifest.json"));
              return resume(m);
            },
            "manifest.json"),
        c(
            "resume with a history file missing",
            t -> {
              Path m = copy(t);
              Files.delete(m.resolve("checkpoint/history.csv"));
              return resume(m);
            },
            "history.csv",
            "missing"),
        c(
            "resume an unsupervised checkpoint as multilabel",
            t ->
                Cli.args(
                    "train",
                    "--task",
                    "multilabel",
                    "--data",
                    "synthetic-ml:n=200,test=50,features=100,labels=10,lmax=3,seed=3",
                    "--epochs",
                    "2",
                    "--resume",
                    "--out",
                    copy(t).toString()),
            "sdlgm-model"),
        // ---- data ----
        c("data scheme unknown", t -> trainData("foo:bar", t.resolve("out")), "foo"),
        c("csv missing", t -> trainData("csv:" + t.resolve("no.csv"), t.resolve("out")), "no.csv"),
        c(
            "csv is a folder",
            t -> {
              Files.createDirectories(t.resolve("dir.csv"));
              return trainData("csv:" + t.resolve("dir.csv"), t.resolve("out"));
            },
            "dir.csv"),
        c(
            "csv ragged row",
            t ->
                trainData(
                    "csv:"
                        + write(t, "r.csv", "0.1,0.2,0.3,1\n0.4,0.5,0.6,0\n0.7,0.8,1\n")
                        + ",label=last",
                    t.resolve("out")),
            "r.csv:3"),
        c(
            "csv not a number",
            t ->
                trainData(
                    "csv:" + write(t, "n.csv", "0.1,0.2,0.3,1\n0.4,abc,0.6,0\n") + ",label=last",
                    t.resolve("out")),
            "n.csv:2",
            "abc"),
        c(
            "csv NaN",
            t ->
                trainData(
                    "csv:" + write(t, "nan.csv", "0.1,0.2,0.3,1\n0.7,NaN,0.9,1\n") + ",label=last",
                    t.resolve("out")),
            "nan.csv:2",
            "NaN"),
        c(
            "csv value outside [0,1] for Bernoulli",
            t ->
                trainData(
                    "csv:"
                        + write(
                            t,
                            "big.csv",
                            "0.1,0.2,0.3,1\n0.4,5,0.6,0\n0.7,0.8,0.9,1\n0.1,0.1,0.1,0\n")
                        + ",label=last",
                    t.resolve("out"),
                    "--likelihood",
                    "bernoulli"),
            "big.csv",
            "[0,1]"),
        c("synthetic n not a number", t -> trainData("synthetic:n=abc", t.resolve("out")), "abc"),
        c("synthetic unknown key", t -> trainData("synthetic:bogus=1", t.resolve("out")), "bogus"),
        c(
            "test data of another width",
            t -> Cli.args(train(t.resolve("out")), "--test", "synthetic:n=50,dim=32"),
            "32",
            "64"),
        // ---- model folders given to eval, encode, predict, report ----
        c(
            "eval: model missing",
            t -> Cli.args("eval", "--model", t.resolve("none").toString()),
            "{TMP}/none"),
        c(
            "eval: params missing",
            t -> {
              Path m = copy(t);
              Files.delete(m.resolve("model.params"));
              return Cli.args("eval", "--model", m.toString(), "--no-probe");
            },
            "model.params"),
        c(
            "eval: params truncated",
            t -> {
              Path m = copy(t);
              truncate(m.resolve("model.params"));
              return Cli.args("eval", "--model", m.toString(), "--no-probe");
            },
            "model.params"),
        c(
            "eval: params do not match config",
            t -> {
              Path m = copy(t);
              editConfig(m, "latentDim", 8);
              return Cli.args("eval", "--model", m.toString(), "--no-probe");
            },
            "model.params",
            "config.json"),
        c(
            "encode: params do not match config",
            t -> {
              Path m = copy(t);
              editConfig(m, "latentDim", 8);
              return Cli.args(
                  "encode",
                  "--model",
                  m.toString(),
                  "--data",
                  Cli.SYN,
                  "--out",
                  t.resolve("c.jsonl").toString());
            },
            "model.params",
            "config.json"),
        c(
            "eval: config not JSON",
            t -> {
              Path m = copy(t);
              Files.writeString(m.resolve("config.json"), "{oops");
              return Cli.args("eval", "--model", m.toString());
            },
            "config.json"),
        c(
            "eval: format version 99",
            t -> {
              Path m = copy(t);
              Path cf = m.resolve("config.json");
              ObjectNode n = (ObjectNode) Cli.readJson(cf);
              n.put("formatVersion", 99);
              Files.writeString(cf, n.toString());
              return Cli.args("eval", "--model", m.toString());
            },
            "99"),
        c(
            "eval: --json exists",
            t ->
                Cli.args(
                    "eval",
                    "--model",
                    model.toString(),
                    "--json",
                    write(t, "e.json", "{}").toString()),
            "e.json",
            "--overwrite"),
        c(
            "eval: --json in a missing folder below a file",
            t -> {
              write(t, "f", "x");
              return Cli.args(
                  "eval", "--model", model.toString(), "--json", t.resolve("f/e.json").toString());
            },
            "--json",
            "{TMP}/f"),
        c(
            "eval: --json is a folder",
            t -> {
              Files.createDirectories(t.resolve("jd"));
              return Cli.args(
                  "eval",
                  "--model",
                  model.toString(),
                  "--json",
                  t.resolve("jd").toString(),
                  "--overwrite");
            },
            "--json",
            "folder"),
        c(
            "eval: delta negative",
            t -> Cli.args("eval", "--model", model.toString(), "--delta", "-1"),
            "--delta"),
        c(
            "eval: data of another width",
            t ->
                Cli.args(
                    "eval", "--model", model.toString(), "--data", "synthetic:n=50,test=20,dim=32"),
            "32",
            "64"),
        c(
            "encode: out exists",
            t ->
                Cli.args(
                    "encode",
                    "--model",
                    model.toString(),
                    "--data",
                    Cli.SYN,
                    "--out",
                    write(t, "c.jsonl", "keep").toString()),
            "c.jsonl",
            "--overwrite"),
        c(
            "encode: batch 0",
            t ->
                Cli.args(
                    "encode",
                    "--model",
                    model.toString(),
                    "--data",
                    Cli.SYN,
                    "--batch",
                    "0",
                    "--out",
                    t.resolve("c.jsonl").toString()),
            "--batch"),
        c(
            "predict: an unsupervised model",
            t ->
                Cli.args(
                    "predict",
                    "--model",
                    model.toString(),
                    "--out",
                    t.resolve("p.jsonl").toString()),
            "unsupervised model"),
        c(
            "report: params missing",
            t -> {
              Path m = copy(t);
              Files.delete(m.resolve("model.params"));
              return Cli.args("report", m.toString());
            },
            "model.params"),
        c(
            "report: params do not match config",
            t -> {
              Path m = copy(t);
              editConfig(m, "latentDim", 8);
              return Cli.args("report", m.toString());
            },
            "model.params",
            "config.json"),
        c(
            "encode: --out below a file",
            t -> {
              write(t, "f", "x");
              return Cli.args(
                  "encode",
                  "--model",
                  model.toString(),
                  "--data",
                  Cli.SYN,
                  "--out",
                  t.resolve("f/c.jsonl").toString());
            },
            "--out",
            "{TMP}/f"),
        c(
            "report: the run's data gone",
            t -> {
              Path csv = write(t, "d.csv", tinyCsv());
              Path m = t.resolve("m");
              Cli.ok(trainData("csv:" + csv + ",label=last", m, "--split", "0.5"));
              Files.delete(csv);
              return Cli.args("report", m.toString());
            },
            "d.csv",
            "report"),
        c(
            "report: model missing",
            t -> Cli.args("report", t.resolve("none").toString()),
            "{TMP}/none"),
        // ---- outputs that would replace an input or a model's own file (review, round 2) ----
        c(
            "encode: --out is the csv being encoded, overwrite",
            t -> {
              Path csv = write(t, "rows.csv", csv64(5));
              return Cli.args(
                  "encode",
                  "--model",
                  model.toString(),
                  "--data",
                  "csv:" + csv,
                  "--out",
                  csv.toString(),
                  "--overwrite");
            },
            "--out",
            "rows.csv",
            "input"),
        c(
            "encode: --out is the model's config.json, overwrite",
            t ->
                Cli.args(
                    "encode",
                    "--model",
                    copy(t).toString(),
                    "--data",
                    Cli.SYN,
                    "--out",
                    t.resolve("m/config.json").toString(),
                    "--overwrite"),
            "--out",
            "config.json"),
        c(
            "eval: --json is the model's params, overwrite",
            t ->
                Cli.args(
                    "eval",
                    "--model",
                    copy(t).toString(),
                    "--no-probe",
                    "--json",
                    t.resolve("m/model.params").toString(),
                    "--overwrite"),
            "--json",
            "model.params"),
        c(
            "eval: --json is a folder, without overwrite",
            t -> {
              Files.createDirectories(t.resolve("jd"));
              return Cli.args(
                  "eval", "--model", model.toString(), "--json", t.resolve("jd").toString());
            },
            "--json",
            "folder"),
        c(
            "eval: --test without --data",
            t ->
                Cli.args(
                    "eval",
                    "--model",
                    model.toString(),
                    "--no-probe",
                    "--test",
                    "synthetic:n=50,dim=64,seed=9"),
            "--test",
            "--data"),
        c(
            "search: --out is a folder, overwrite",
            t -> {
              Files.createDirectories(t.resolve("hits"));
              return Cli.args(search(t, t.resolve("hits")), "--overwrite");
            },
            "--out",
            "folder"),
        c(
            "search: --out below a file",
            t -> {
              write(t, "f", "x");
              return search(t, t.resolve("f/hits.jsonl"));
            },
            "--out",
            "{TMP}/f"),
        c(
            "bench: --json below a file",
            t -> {
              write(t, "f", "x");
              return Cli.args(
                  "bench",
                  "--data",
                  Cli.SYN,
                  "-K",
                  "16",
                  "-L",
                  "4",
                  "--encoder",
                  "32",
                  "--decoder-hidden",
                  "32",
                  "--rows",
                  "100",
                  "--epochs",
                  "1",
                  "--encode-rows",
                  "10",
                  "--json",
                  t.resolve("f/b.json").toString());
            },
            "--json",
            "{TMP}/f"),
        c(
            "predict: --labels without --data",
            t ->
                Cli.args(
                    "predict",
                    "--model",
                    model.toString(),
                    "--labels",
                    "last:3",
                    "--out",
                    t.resolve("p.jsonl").toString()),
            "--labels",
            "--data"),
        // ---- values the configurations accepted (review, round 2) ----
        c("split negative", t -> train(t.resolve("out"), "--split", "-0.5"), "--split"),
        c("split NaN", t -> train(t.resolve("out"), "--split", "NaN"), "--split"),
        c("tau-rate negative", t -> train(t.resolve("out"), "--tau-rate", "-1"), "--tau-rate"),
        c("tau0 infinite", t -> train(t.resolve("out"), "--tau0", "Infinity"), "--tau0"),
        c("beta-l negative", t -> train(t.resolve("out"), "--beta-l", "-1"), "--beta-l"),
        c("beta-s NaN", t -> train(t.resolve("out"), "--beta-s", "NaN"), "--beta-s"),
        c("warmup negative", t -> train(t.resolve("out"), "--warmup", "-3"), "--warmup"),
        c(
            "sigma-x infinite",
            t -> train(t.resolve("out"), "--likelihood", "gaussian", "--sigma-x", "Infinity"),
            "--sigma-x"),
        c("lr infinite", t -> train(t.resolve("out"), "--lr", "Infinity"), "--lr"),
        c("grad-clip NaN", t -> train(t.resolve("out"), "--grad-clip", "NaN"), "--grad-clip"),
        c(
            "multilabel with --clip-mean",
            t -> multilabel(t.resolve("out"), "--clip-mean"),
            "--clip-mean"),
        c(
            "multilabel with --level-inference",
            t -> multilabel(t.resolve("out"), "--level-inference", "exact"),
            "--level-inference"),
        c(
            "report: scaling.json not JSON",
            t -> {
              Path m = copy(t);
              Files.writeString(m.resolve("scaling.json"), "{oops");
              return Cli.args("report", m.toString());
            },
            "scaling.json"),
        c(
            "bench: --input with the unsupervised task",
            t -> Cli.args(tinyBench(t), "--input", "dense"),
            "--input"),
        c(
            "bench: a multi-label option with the unsupervised task",
            t -> Cli.args(tinyBench(t), "--hidden", "8"),
            "--hidden"),
        c(
            "experiment: a seed listed twice (dry run)",
            t ->
                Cli.args(
                    "experiment",
                    write(t, "g.yaml", grid("--no-report").replace("seeds: [1]", "seeds: [1, 1]"))
                        .toString(),
                    "--out",
                    t.resolve("x").toString(),
                    "--dry-run"),
            "g.yaml",
            "twice"),
        c(
            "experiment: threads-per-run 0 (dry run)",
            t ->
                Cli.args(
                    "experiment",
                    write(t, "g.yaml", grid("--no-report")).toString(),
                    "--out",
                    t.resolve("x").toString(),
                    "--threads-per-run",
                    "0",
                    "--dry-run"),
            "--threads-per-run"),
        // ---- bench, experiment ----
        c(
            "bench: encode rows negative",
            t -> Cli.args("bench", "--encode-rows", "-3", "--json", t.resolve("b.json").toString()),
            "--encode-rows",
            "-3"),
        c(
            "bench: rows 0",
            t -> Cli.args("bench", "--rows", "0", "--json", t.resolve("b.json").toString()),
            "--rows"),
        c(
            "bench: epochs 0",
            t -> Cli.args("bench", "--epochs", "0", "--json", t.resolve("b.json").toString()),
            "--epochs"),
        c(
            "experiment: spec missing",
            t ->
                Cli.args(
                    "experiment",
                    t.resolve("none.yaml").toString(),
                    "--out",
                    t.resolve("x").toString()),
            "none.yaml"),
        c(
            "experiment: a cell's option unknown (dry run)",
            t ->
                Cli.args(
                    "experiment",
                    write(t, "g.yaml", grid("--nope")).toString(),
                    "--out",
                    t.resolve("x").toString(),
                    "--dry-run"),
            "--nope"),
        c(
            "experiment: a cell's L0 above K",
            t ->
                Cli.args(
                    "experiment",
                    write(t, "g.yaml", grid("-K, \"4\"")).toString(),
                    "--out",
                    t.resolve("x").toString(),
                    "--in-process"),
            "L0"),
        c(
            "experiment: spec not YAML",
            t ->
                Cli.args(
                    "experiment",
                    write(t, "bad.yaml", "name: [unclosed\n").toString(),
                    "--out",
                    t.resolve("x").toString()),
            "bad.yaml"));
  }

  static final List<RunLock> LOCKS = new ArrayList<>();

  /** {@code search} of the fixture's test rows in an index of it built under {@code tmp}. */
  static String[] search(Path tmp, Path out) {
    Path idx = tmp.resolve("idx");
    Cli.ok("index", "--model", model.toString(), "--data", Cli.SYN, "--out", idx.toString());
    return Cli.args(
        "search",
        "--index",
        idx.toString(),
        "--model",
        model.toString(),
        "--data",
        Cli.SYN,
        "--out",
        out.toString());
  }

  /** A bench of the tiny model that takes about a second, writing {@code tmp/b.json}. */
  static String[] tinyBench(Path tmp) {
    return Cli.args(
        "bench",
        "--data",
        Cli.SYN,
        "-K",
        "16",
        "-L",
        "4",
        "--encoder",
        "32",
        "--decoder-hidden",
        "32",
        "--rows",
        "100",
        "--epochs",
        "1",
        "--encode-rows",
        "10",
        "--json",
        tmp.resolve("b.json").toString());
  }

  /** A one-epoch multi-label training on tiny synthetic data, with extra options. */
  static String[] multilabel(Path out, Object... extra) {
    return Cli.args(
        "train",
        "--task",
        "multilabel",
        "--data",
        "synthetic-ml:n=200,test=50,features=100,labels=10,lmax=3,seed=3",
        "--epochs",
        "1",
        "--no-eval",
        "--no-report",
        "--out",
        out.toString(),
        List.of(extra).stream().map(Object::toString).toList());
  }

  /** {@code rows} CSV rows of the fixture's 64 features in [0, 1], without labels. */
  static String csv64(int rows) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 64; j++) {
        sb.append(j > 0 ? "," : "").append((i * 7 + j) % 10 / 10.0);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** A one-cell experiment at L0 8 with extra options. */
  static String grid(String options) {
    return String.join(
        "\n",
        "name: g",
        "datasets:",
        "  syn: {data: \"" + Cli.SYN + "\"}",
        "methods: [sdlgm]",
        "l0: [\"8\"]",
        "seeds: [1]",
        "options: [" + options + ", --epochs, \"1\"]",
        "");
  }

  static String tinyCsv() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append(i % 3 * 0.3)
          .append(',')
          .append(0.5)
          .append(',')
          .append(i % 2 * 0.9)
          .append(',')
          .append(i % 2)
          .append('\n');
    }
    return sb.toString();
  }

  static void flip(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x55;
    Files.write(f, b);
  }

  static void truncate(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithOneLineAndNothingChanged(Case c, @TempDir Path tmp) throws Exception {
    String[] args = c.setup().args(tmp);
    Map<String, String> before = snapshot(tmp);
    Cli.Result r;
    try {
      r = Cli.run(args);
    } finally {
      LOCKS.forEach(RunLock::close);
      LOCKS.clear();
    }
    assertEquals(2, r.code(), () -> "sdlgm " + String.join(" ", args) + "\n" + r);
    String line = r.error();
    for (String m : c.mentions()) {
      String want = m.replace("{TMP}", tmp.toString());
      assertTrue(line.contains(want), () -> "error line does not mention '" + want + "': " + line);
    }
    assertFalse(r.err().contains("\tat "), () -> "stack trace on stderr:\n" + r.err());
    assertFalse(r.err().contains("Exception"), () -> "an exception's name on stderr:\n" + r.err());
    assertEquals(before, snapshot(tmp), () -> "the case's folder changed:\n" + r);
  }

  /**
   * Every file and folder under {@code dir} with a digest of its bytes (lock files: presence only).
   */
  static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> m = new TreeMap<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = dir.relativize(p).toString();
        if (Files.isDirectory(p)) {
          m.put(rel + "/", "folder");
        } else if (p.getFileName().toString().equals(RunLock.FILE)) {
          m.put(rel, "lock");
        } else {
          m.put(rel, HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
        }
      }
    }
    return m;
  }
}
