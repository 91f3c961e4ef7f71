package org.sdlgm.report;

/**
 * One section of a run report: a heading and what goes under it (text, tables, figures), drawn from
 * the {@link RunContext} of the model directory's task — a {@link ReportContext} for an
 * unsupervised model, a {@link TaggerReportContext} for a multi-label one. {@link
 * RunReport#sectionsFor} and {@link RunReport#taggerSectionsFor} assemble the sections that fit a
 * run; a caller may pass its own list to {@link RunReport#write(java.nio.file.Path, ReportOptions,
 * java.util.List)}.
 *
 * @param <X> the context the section reads
 */
public interface ReportSection<X extends RunContext<?, ?>> {
  /** The section heading. */
  String title();

  /** Whether the section has anything to show for this run (false: it is left out). */
  boolean appliesTo(X ctx);

  /** Adds the section's content to {@code page} (the heading is already there). */
  void render(X ctx, ReportPage page);
}
