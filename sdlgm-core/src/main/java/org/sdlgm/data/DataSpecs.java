package org.sdlgm.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sdlgm.SdlgmException;

/**
 * Parses the {@code --data} (and {@code --test}) spec strings into {@link DataSource}s, so that the
 * CLI, config files and tests all name data the same way: {@code scheme:arg[,key=value...]}.
 * Parsing only checks the syntax and option values; files are opened by {@link DataSource#load()}.
 * See {@link #SYNTAX} for the schemes and their options. Paths are taken relative to the working
 * directory, a leading {@code ~/} means the home directory, and a path cannot contain a comma
 * (commas separate options).
 */
public final class DataSpecs {
  /** The recognised schemes, in the order they are documented. */
  public static final List<String> SCHEMES =
      List.of("fashion-mnist", "mnist", "idx", "csv", "synthetic");

  /** One line per scheme: the syntax and options, suitable for {@code --help} output. */
  @SuppressWarnings("StringConcatToTextBlock") // one aligned line per scheme reads better
  public static final String SYNTAX =
      String.join(
          "\n",
          "fashion-mnist:DIR[,binarize=T][,limit=N][,test-limit=N]   the four IDX files in DIR (.gz or raw)",
          "mnist:DIR[,binarize=T][,limit=N][,test-limit=N]           same layout as fashion-mnist",
          "idx:IMAGES[,LABELS][,binarize=T][,limit=N]                one IDX image file (+ labels), no test part",
          "csv:FILE[,header=true|false|auto][,label=none|first|last|INDEX|NAME][,delimiter=C|tab|comma|semicolon|space|pipe][,limit=N]",
          "synthetic:[n=10000][,test=2000][,seed=1][,atoms=32][,dim=784][,lmax=6][,noise=0.05][,wmin=0.6][,wmax=1.0][,kind=sparse|strokes]");

  private static final List<String> IDX_FAMILY_KEYS = List.of("binarize", "limit", "test-limit");
  private static final List<String> IDX_KEYS = List.of("binarize", "limit");
  private static final List<String> CSV_KEYS = List.of("header", "label", "delimiter", "limit");
  private static final List<String> SYNTHETIC_KEYS =
      List.of("n", "test", "seed", "atoms", "dim", "lmax", "noise", "wmin", "wmax", "kind");

  private DataSpecs() {}

  /** Parses a spec. Throws {@link SdlgmException} naming the problem and what is valid. */
  public static DataSource parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new SdlgmException(
          "empty data spec; expected scheme:arg with scheme one of "
              + SCHEMES
              + ", e.g. synthetic:n=10000,seed=1 or csv:data.csv,label=last");
    }
    String s = spec.trim();
    int colon = s.indexOf(':');
    String scheme = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? "" : s.substring(colon + 1);
    if (!SCHEMES.contains(scheme)) {
      throw new SdlgmException(
          "unknown data scheme '"
              + (colon < 0 ? s : s.substring(0, colon))
              + "' in data spec '"
              + spec
              + "'; valid schemes are "
              + String.join(", ", SCHEMES)
              + " (syntax scheme:arg[,key=value...], e.g. csv:data.csv or fashion-mnist:/path/to/dir)");
    }
    SpecParts p = SpecParts.of(spec, scheme, rest);
    switch (scheme) {
      case "fashion-mnist":
      case "mnist":
        return idxFamily(spec, scheme, p);
      case "idx":
        return idx(spec, p);
      case "csv":
        return csv(spec, p);
      default:
        return synthetic(spec, p);
    }
  }

  private static DataSource idxFamily(String spec, String scheme, SpecParts p) {
    p.checkKeys(IDX_FAMILY_KEYS);
    p.requirePositional(1, 1, "DIR", scheme + ":/path/to/" + scheme);
    Path dir = SpecParts.path(p.positional.get(0));
    Float binarize = p.threshold();
    int limit = p.count("limit");
    int testLimit = p.count("test-limit");
    return new IdxSource(
        spec,
        () -> {
          if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": directory not found (from data spec '" + spec + "')");
          }
          Path trainImages = find(dir, "train-images-idx3-ubyte", scheme);
          Path trainLabels = find(dir, "train-labels-idx1-ubyte", scheme);
          Path testImages = find(dir, "t10k-images-idx3-ubyte", scheme);
          Path testLabels = find(dir, "t10k-labels-idx1-ubyte", scheme);
          Dataset train = IdxReader.read(trainImages, trainLabels, scheme + "/train", limit);
          Dataset test = IdxReader.read(testImages, testLabels, scheme + "/test", testLimit);
          return new TrainTest(binarize(train, binarize), binarize(test, binarize));
        });
  }

  private static Path find(Path dir, String base, String scheme) {
    Path gz = dir.resolve(base + ".gz");
    Path raw = dir.resolve(base);
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    String hint = "";
    if (base.startsWith("train-images")
        && Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))) {
      hint =
          "; only the test images are there: use idx:"
              + dir.resolve("t10k-images-idx3-ubyte.gz")
              + ","
              + dir.resolve("t10k-labels-idx1-ubyte.gz")
              + " and a seeded split";
    }
    throw new DataException(
        gz + ": file not found (nor " + raw + "), needed by " + scheme + ":" + dir + hint);
  }

  private static DataSource idx(String spec, SpecParts p) {
    p.checkKeys(IDX_KEYS);
    p.requirePositional(1, 2, "IMAGES[,LABELS]", "idx:images-idx3-ubyte.gz,labels-idx1-ubyte.gz");
    Path images = SpecParts.path(p.positional.get(0));
    Path labels = p.positional.size() > 1 ? SpecParts.path(p.positional.get(1)) : null;
    Float binarize = p.threshold();
    int limit = p.count("limit");
    return new IdxSource(
        spec,
        () ->
            new TrainTest(
                binarize(
                    IdxReader.read(images, labels, "idx:" + images.getFileName(), limit), binarize),
                null));
  }

  private static DataSource csv(String spec, SpecParts p) {
    p.checkKeys(CSV_KEYS);
    p.requirePositional(1, 1, "FILE", "csv:data.csv,label=last");
    CsvReader r = new CsvReader(SpecParts.path(p.positional.get(0)), spec);
    String header = p.options.get("header");
    if (header != null) {
      switch (header.toLowerCase(Locale.ROOT)) {
        case "true":
          r = r.withHeader(CsvReader.Header.TRUE);
          break;
        case "false":
          r = r.withHeader(CsvReader.Header.FALSE);
          break;
        case "auto":
          r = r.withHeader(CsvReader.Header.AUTO);
          break;
        default:
          throw p.bad("header", "expected true, false or auto");
      }
    }
    String label = p.options.get("label");
    if (label != null) {
      if (label.isEmpty()) {
        throw p.bad("label", "expected none, first, last, a 0-based column index or a header name");
      }
      r = r.withLabel(label);
    }
    String delim = p.options.get("delimiter");
    if (delim != null) {
      r = r.withDelimiter(delimiter(delim, p));
    }
    return r.withLimit(p.count("limit"));
  }

  private static char delimiter(String v, SpecParts p) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "tab":
      case "\\t":
        return '\t';
      case "comma":
        return ',';
      case "semicolon":
        return ';';
      case "space":
        return ' ';
      case "pipe":
        return '|';
      default:
        if (v.length() == 1 && v.charAt(0) != '"' && v.charAt(0) != '\n' && v.charAt(0) != '\r') {
          return v.charAt(0);
        }
        throw p.bad("delimiter", "expected one character or tab, comma, semicolon, space, pipe");
    }
  }

  private static DataSource synthetic(String spec, SpecParts p) {
    p.checkKeys(SYNTHETIC_KEYS);
    p.requirePositional(0, 0, "", "synthetic:n=10000,seed=1");
    SyntheticDictionary.Builder b = SyntheticDictionary.builder().spec(spec);
    Map<String, String> o = p.options;
    if (o.containsKey("n")) {
      b.n(p.integer("n"));
    }
    if (o.containsKey("test")) {
      b.test(p.integer("test"));
    }
    if (o.containsKey("seed")) {
      b.seed(p.longValue("seed"));
    }
    if (o.containsKey("atoms")) {
      b.atoms(p.integer("atoms"));
    }
    if (o.containsKey("dim")) {
      b.dim(p.integer("dim"));
    }
    if (o.containsKey("lmax")) {
      b.lmax(p.integer("lmax"));
    }
    if (o.containsKey("noise")) {
      b.noise(p.real("noise"));
    }
    if (o.containsKey("wmin")) {
      b.wmin(p.real("wmin"));
    }
    if (o.containsKey("wmax")) {
      b.wmax(p.real("wmax"));
    }
    if (o.containsKey("kind")) {
      switch (o.get("kind").toLowerCase(Locale.ROOT)) {
        case "sparse":
          b.kind(SyntheticDictionary.Kind.SPARSE);
          break;
        case "strokes":
          b.kind(SyntheticDictionary.Kind.STROKES);
          break;
        default:
          throw p.bad("kind", "expected sparse or strokes");
      }
    }
    return b.build();
  }

  private static Dataset binarize(Dataset d, Float threshold) {
    if (threshold == null) {
      return d;
    }
    float t = threshold;
    float[] src = d.features();
    float[] out = new float[src.length];
    for (int i = 0; i < src.length; i++) {
      out[i] = src[i] > t ? 1f : 0f;
    }
    return Dataset.builder(d.name(), d.dim(), out)
        .labels(d.labels())
        .imageShape(d.imageHeight(), d.imageWidth())
        .build();
  }

  /** An IDX-backed source; the loading closure keeps the parsed options. */
  private static final class IdxSource implements DataSource {
    private final String spec;
    private final java.util.function.Supplier<TrainTest> loader;

    IdxSource(String spec, java.util.function.Supplier<TrainTest> loader) {
      this.spec = spec;
      this.loader = loader;
    }

    @Override
    public TrainTest load() {
      return loader.get();
    }

    @Override
    public String spec() {
      return spec;
    }

    @Override
    public String toString() {
      return spec;
    }
  }
}
