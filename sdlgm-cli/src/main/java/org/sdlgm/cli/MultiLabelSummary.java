package org.sdlgm.cli;

import java.io.PrintStream;
import java.util.Map;
import org.sdlgm.eval.multilabel.MultiLabelEvaluation;
import org.sdlgm.model.multilabel.SetRule;

/** Prints a multi-label evaluation, one block per set rule. */
final class MultiLabelSummary {
  private MultiLabelSummary() {}

  static void print(PrintStream out, Map<SetRule, MultiLabelEvaluation> evaluations) {
    for (Map.Entry<SetRule, MultiLabelEvaluation> e : evaluations.entrySet()) {
      out.println("set rule: " + e.getKey());
      out.print(e.getValue().toText());
    }
  }
}
