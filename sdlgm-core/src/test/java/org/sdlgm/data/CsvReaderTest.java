package org.sdlgm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  static String message(CsvReader r) {
    return assertThrows(DataException.class, r::read).getMessage();
  }

  @Test
  void autoDetectsHeader() throws IOException {
    Dataset withHeader = new CsvReader(write("h.csv", "a,b,c\n1,2,3\n4,5,6\n")).read();
    assertEquals(2, withHeader.size());
    assertEquals(3, withHeader.dim());
    assertFalse(withHeader.hasLabels());
    CsvReader plain = new CsvReader(write("p.csv", "1,2,3\n4,5,6e-1\n"));
    Dataset d = plain.read();
    assertEquals(2, d.size());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 0.6f}, d.features());
    assertNull(plain.columnNames());
  }

  @Test
  void explicitHeaderSettingOverridesDetection() throws IOException {
    Path f = write("n.csv", "1,2\n3,4\n");
    assertEquals(1, new CsvReader(f).withHeader(CsvReader.Header.TRUE).read().size());
    Path g = write("s.csv", "x,2\n3,4\n");
    String m = message(new CsvReader(g).withHeader(CsvReader.Header.FALSE));
    assertTrue(m.contains("s.csv:1: column 0: 'x' is not a number"), m);
  }

  @Test
  void labelFirstLastIndexAndName() throws IOException {
    Path f = write("l.csv", "y,f1,f2,z\n1,0.1,0.2,5\n0,0.3,0.4,7\n1,0.5,0.6,5\n");
    Dataset first = new CsvReader(f).withLabel("first").read();
    assertEquals(3, first.dim());
    assertArrayEquals(new int[] {1, 0, 1}, first.labels());
    assertArrayEquals(new float[] {0.1f, 0.2f, 5}, java.util.Arrays.copyOf(first.features(), 3));

    CsvReader last = new CsvReader(f).withLabel("last");
    Dataset dl = last.read();
    // 5 and 7 are remapped to classes 0 and 1 in sorted order; the mapping stays available.
    assertArrayEquals(new int[] {0, 1, 0}, dl.labels());
    assertArrayEquals(new long[] {5, 7}, last.classValues());
    assertEquals(List.of("y", "f1", "f2", "z"), last.columnNames());

    assertArrayEquals(new int[] {1, 0, 1}, new CsvReader(f).withLabel("0").read().labels());
    assertArrayEquals(new int[] {0, 1, 0}, new CsvReader(f).withLabel("z").read().labels());
    assertArrayEquals(
        new float[] {1, 0.1f, 0.2f},
        java.util.Arrays.copyOf(new CsvReader(f).withLabel("z").read().features(), 3));
  }

  @Test
  void badLabelColumns() throws IOException {
    Path f = write("b.csv", "y,f\n1,0.1\n1.5,0.2\n");
    String m = message(new CsvReader(f).withLabel("y"));
    assertTrue(m.contains("b.csv:3:") && m.contains("'1.5' is not an integer"), m);
    assertTrue(
        message(new CsvReader(write("neg.csv", "-1,2\n")).withLabel("first"))
            .contains("neg.csv:1: column 0 (label): -1 is negative"));
    assertTrue(message(new CsvReader(f).withLabel("nope")).contains("no column named 'nope'"));
    assertTrue(message(new CsvReader(f).withLabel("9")).contains("out of range"));
  }

  @Test
  void raggedRowReportsFileAndPhysicalLine() throws IOException {
    // The blank line still counts: the reported line is the one an editor shows.
    Path f = write("r.csv", "a,b,c\n1,2,3\n\n4,5\n");
    String m = message(new CsvReader(f));
    assertTrue(m.contains("r.csv:4: expected 3 values, found 2"), m);
  }

  @Test
  void nonNumberNanAndInfinity() throws IOException {
    assertTrue(
        message(new CsvReader(write("x.csv", "1,2,3,4\n1,2,3,abc\n")))
            .contains("x.csv:2: column 3: 'abc' is not a number"));
    assertTrue(
        message(new CsvReader(write("nan.csv", "1,2,3,4\n1,2,3,NaN\n")))
            .contains("nan.csv:2: column 3: NaN is not allowed"));
    assertTrue(
        message(new CsvReader(write("inf.csv", "1,2,3,4\n1,2,3,Infinity\n")))
            .contains("inf.csv:2: column 3: Infinity is not allowed"));
    assertTrue(
        message(new CsvReader(write("ninf.csv", "1,-inf\n")))
            .contains("ninf.csv:1: column 1: -Infinity is not allowed"));
    assertTrue(
        message(new CsvReader(write("big.csv", "1,1e300\n")))
            .contains("big.csv:1: column 1: 1e300 overflows a float"));
  }

  @Test
  void javaOnlyNumberSpellingsAreNotNumbers() throws IOException {
    // Double.parseDouble takes a type suffix and hexadecimal floats; no data file means them.
    for (String v : new String[] {"4d", "2F", "0x1p3", "1_000"}) {
      String m = message(new CsvReader(write("j.csv", "1,2\n3," + v + "\n")));
      assertTrue(m.contains("j.csv:2: column 1: '" + v + "' is not a number"), m);
    }
    // A first row of such values is no longer taken for numbers: it is a header.
    CsvReader hd = new CsvReader(write("hd.csv", "1d,2d\n1,2\n"));
    assertEquals(1, hd.read().size());
    assertEquals(List.of("1d", "2d"), hd.columnNames());
    // What data files do write still parses: signs, exponents, a bare point, spaces around.
    Dataset d = new CsvReader(write("ok.csv", "+1.5,-.5,2E-1, 3 ,4.\n")).read();
    assertArrayEquals(new float[] {1.5f, -0.5f, 0.2f, 3f, 4f}, d.features());
  }

  @Test
  void emptyFileAndHeaderOnly() throws IOException {
    assertTrue(message(new CsvReader(write("e.csv", ""))).contains("e.csv:1: empty file"));
    assertTrue(message(new CsvReader(write("h.csv", "a,b\n"))).contains("no data rows"));
  }

  @Test
  void delimiterLimitAndCrLf() throws IOException {
    Path f = write("t.tsv", "a\tb\r\n1\t2\r\n3\t4\r\n5\t6\r\n");
    Dataset d = new CsvReader(f).withDelimiter('\t').withLimit(2).read();
    assertEquals(2, d.size());
    assertArrayEquals(new float[] {1, 2, 3, 4}, d.features());
    String m = message(new CsvReader(write("c.csv", "a,b\r\n1,2\r\n3\r\n")));
    assertTrue(m.contains("c.csv:3: expected 2 values, found 1"), m);
  }

  @Test
  void utf8ByteOrderMarkIsNotPartOfTheFirstField() throws IOException {
    // Windows tools (Excel's "CSV UTF-8", Notepad) start the file with U+FEFF. It must not turn
    // the first data row into a header (silently dropping it) nor rename the first column.
    Dataset d = new CsvReader(write("bom.csv", "\uFEFF1,2\n3,4\n")).read();
    assertEquals(2, d.size());
    assertArrayEquals(new float[] {1, 2, 3, 4}, d.features());
    CsvReader named = new CsvReader(write("bomh.csv", "\uFEFFy,f\n1,0.5\n0,0.25\n")).withLabel("y");
    assertArrayEquals(new int[] {1, 0}, named.read().labels());
    assertEquals(List.of("y", "f"), named.columnNames());
  }

  @Test
  void malformedQuotingNamesTheLineTheRecordStartsOn() throws IOException {
    String open = message(new CsvReader(write("open.csv", "1,2\n\n3,\"4\n5,6\n")));
    assertTrue(open.contains("open.csv:3: cannot parse as CSV"), open);
    String stray = message(new CsvReader(write("stray.csv", "1,2\n3,\"4\"x\n")));
    assertTrue(stray.contains("stray.csv:2: cannot parse as CSV"), stray);
    assertFalse(stray.contains("org.apache"), stray);
  }
}
