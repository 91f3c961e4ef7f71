package org.sdlgm.report;

/**
 * One section of the report of a multi-label model directory, the counterpart of {@link
 * ReportSection} over a {@link TaggerReportContext}: the two kinds of model share the page
 * machinery ({@link ReportPage}) but not what a section can read, so they are separate types rather
 * than one interface with casts. {@link RunReport#taggerSectionsFor} assembles them.
 */
public interface TaggerSection {
  /** The section heading. */
  String title();

  /** Whether the section has anything to show for this run (false: it is left out). */
  boolean appliesTo(TaggerReportContext ctx);

  /** Adds the section's content to {@code page} (the heading is already there). */
  void render(TaggerReportContext ctx, ReportPage page);
}
