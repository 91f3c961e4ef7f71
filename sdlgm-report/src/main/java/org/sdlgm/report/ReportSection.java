package org.sdlgm.report;

/**
 * One section of a run report: a heading and what goes under it (text, tables, figures). {@link
 * RunReport#sectionsFor} assembles the sections that fit a kind of run; a new kind of run (for
 * example multi-label data) adds its own section class there, or a caller passes its own list to
 * {@link RunReport#write(java.nio.file.Path, ReportOptions, java.util.List)}.
 */
public interface ReportSection {
  /** The section heading. */
  String title();

  /** Whether the section has anything to show for this run (false: it is left out). */
  boolean appliesTo(ReportContext ctx);

  /** Adds the section's content to {@code page} (the heading is already there). */
  void render(ReportContext ctx, ReportPage page);
}
