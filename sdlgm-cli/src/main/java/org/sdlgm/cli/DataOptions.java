package org.sdlgm.cli;

import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataPlan;
import picocli.CommandLine.Option;

/** The data options shared by every command that reads data (a picocli mixin). */
public final class DataOptions {
  @Option(
      names = {"-d", "--data"},
      paramLabel = "SPEC",
      description = {
        "Data source: fashion-mnist:DIR, mnist:DIR, idx:IMAGES[,LABELS], csv:FILE[,label=last,header=auto],",
        "synthetic[:n=10000,test=2000,seed=1,...]. Options follow the path after commas."
      })
  String data;

  @Option(
      names = "--test",
      paramLabel = "SPEC",
      description = "A separate test source (default: the source's own test part, or --split).")
  String test;

  @Option(
      names = "--split",
      paramLabel = "F",
      description =
          "Split --data: this share for training, the rest for testing (seeded by --seed).")
  double split;

  DataPlan plan(long seed) {
    // DataPlan splits only for a share > 0: a negative or NaN one would silently mean no split.
    if (!(split == 0 || (split > 0 && split < 1))) {
      throw new SdlgmException(
          "--split must be a train share strictly between 0 and 1 (or 0 for none), got " + split);
    }
    return new DataPlan(data, test, split, seed);
  }
}
