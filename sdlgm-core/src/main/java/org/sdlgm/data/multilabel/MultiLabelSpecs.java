package org.sdlgm.data.multilabel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.sdlgm.SdlgmException;
import org.sdlgm.data.DataException;
import org.sdlgm.data.SpecParts;

/**
 * Parses multi-label {@code --data} / {@code --test} spec strings into {@link MultiLabelSource}s,
 * with the same grammar as the single-label {@link org.sdlgm.data.DataSpecs}: {@code
 * scheme:arg[,key=value...]}. Parsing checks syntax and option values only; files are opened when
 * the source is loaded. See {@link #SYNTAX} for the schemes. Paths are relative to the working
 * directory, {@code ~/} is the home directory, and a path cannot contain a comma (commas separate
 * options). Label rules for ARFF data, in order of precedence: a {@code --labels} override, the
 * spec's {@code labels=}, then the default (for {@code mulan:} the folder's XML; for {@code arff:}
 * an XML file next to the ARFF named like it or like its relation, else MEKA's {@code -C} in
 * {@code @relation}).
 */
public final class MultiLabelSpecs {
  /** The recognised schemes, in the order they are documented. */
  public static final List<String> SCHEMES =
      List.of("mulan", "arff", "xc", "libsvm", "synthetic-ml");

  /** One line per scheme: the syntax and options, suitable for {@code --help} output. */
  @SuppressWarnings("StringConcatToTextBlock") // one aligned line per scheme reads better
  public static final String SYNTAX =
      String.join(
          "\n",
          "mulan:DIR[,name=NAME]                           Mulan folder: NAME-train.arff(.gz), NAME-test.arff(.gz) (or -sparse), NAME.xml;"
              + " official test part (NAME defaults to the folder's name)",
          "arff:FILE[,labels=XML_PATH|first:C|last:C|meka]  one ARFF file, no test part (default labels: an XML next to it, else MEKA -C)",
          "xc:FILE                                         Extreme Classification text format (header N D C), no test part",
          "libsvm:FILE[,features=D][,labels=C][,base=0|1]   multi-label LIBSVM (default base=1; D and C inferred), no test part",
          "synthetic-ml:[n=3000][,test=1000][,features=100000][,labels=10000][,lmax=5][,seed=1][,sigmin=10][,sigmax=30]"
              + "[,keep=0.5][,noise=5][,empty=0][,zipf=0][,values=binary|count]   generated, with ground-truth label signatures");

  private static final List<String> MULAN_KEYS = List.of("name");
  private static final List<String> ARFF_KEYS = List.of("labels");
  private static final List<String> LIBSVM_KEYS = List.of("features", "labels", "base");
  private static final List<String> SYNTHETIC_KEYS =
      List.of(
          "n",
          "test",
          "features",
          "labels",
          "lmax",
          "seed",
          "sigmin",
          "sigmax",
          "keep",
          "noise",
          "empty",
          "zipf",
          "values");

  private MultiLabelSpecs() {}

  /** Parses a spec. Throws {@link SdlgmException} naming the problem and what is valid. */
  public static MultiLabelSource parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new SdlgmException(
          "empty multi-label data spec; expected scheme:arg with scheme one"
              + " of "
              + SCHEMES
              + ", e.g. mulan:/data/bibtex or synthetic-ml:n=3000,seed=1");
    }
    String s = spec.trim();
    int colon = s.indexOf(':');
    String scheme = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    String rest = colon < 0 ? "" : s.substring(colon + 1);
    if (!SCHEMES.contains(scheme)) {
      throw new SdlgmException(
          "unknown multi-label data scheme '"
              + (colon < 0 ? s : s.substring(0, colon))
              + "' in data spec '"
              + spec
              + "'; valid schemes are "
              + String.join(", ", SCHEMES)
              + " (syntax scheme:arg[,key=value...], e.g. mulan:/data/bibtex or arff:file.arff)");
    }
    SpecParts p = SpecParts.of(spec, scheme, rest);
    switch (scheme) {
      case "mulan":
        return mulan(spec, p);
      case "arff":
        return arff(spec, p);
      case "xc":
        return xc(spec, p);
      case "libsvm":
        return libsvm(spec, p);
      default:
        return synthetic(spec, p);
    }
  }

  // ---------------------------------------------------------------- mulan

  private static MultiLabelSource mulan(String spec, SpecParts p) {
    p.checkKeys(MULAN_KEYS);
    p.requirePositional(1, 1, "DIR", "mulan:/path/to/bibtex");
    Path dir = SpecParts.path(p.positional.get(0));
    String given = p.options.get("name");
    if (given != null && given.isEmpty()) {
      throw p.bad("name", "expected the data set's file name prefix, e.g. name=bibtex");
    }
    return new MultiLabelSource(
        spec,
        "mulan",
        (override, like) -> {
          if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": directory not found (from data spec '" + spec + "')");
          }
          Path file = dir.toAbsolutePath().normalize().getFileName();
          String name = given != null ? given : file == null ? "" : file.toString();
          Map<String, Path> files = listing(dir);
          Path train = mulanPart(dir, files, name, "train", spec);
          Path test = mulanPart(dir, files, name, "test", spec);
          LabelSpec labels;
          if (override != null) {
            labels = override.toLabelSpec();
          } else {
            Path xml = files.get(lower(name + ".xml"));
            if (xml == null) {
              throw new DataException(
                  dir.resolve(name + ".xml")
                      + ": Mulan label file not found"
                      + " (needed by data spec '"
                      + spec
                      + "'); give it with --labels, or first:C / last:C");
            }
            labels = LabelSpec.xml(xml);
          }
          MultiLabelDataset tr = ArffReader.read(train, labels).withName(name + "/train");
          MultiLabelDataset te = ArffReader.read(test, labels).withName(name + "/test");
          return new MultiLabelSource.Loaded(tr, train.toString(), te, test.toString());
        });
  }

  /** NAME-PART.arff(.gz), else the -sparse variant, matched case-insensitively. */
  private static Path mulanPart(
      Path dir, Map<String, Path> files, String name, String part, String spec) {
    String base = name + "-" + part;
    for (String candidate :
        List.of(
            base + ".arff", base + ".arff.gz", base + "-sparse.arff", base + "-sparse.arff.gz")) {
      Path f = files.get(lower(candidate));
      if (f != null) {
        return f;
      }
    }
    List<String> arffs = new ArrayList<>();
    for (Path f : files.values()) {
      String l = lower(f.getFileName().toString());
      if (l.endsWith(".arff") || l.endsWith(".arff.gz")) {
        arffs.add(f.getFileName().toString());
      }
    }
    String hint =
        arffs.isEmpty()
            ? "; the folder has no ARFF files"
            : "; ARFF files there: "
                + arffs
                + (arffs.size() == 1
                    ? " (a single file: use arff:" + dir.resolve(arffs.get(0)) + " with --split)"
                    : " (name=NAME picks another prefix)");
    throw new DataException(
        dir.resolve(base + ".arff")
            + ": not found, nor .arff.gz or the "
            + "-sparse variants (needed by data spec '"
            + spec
            + "')"
            + hint);
  }

  // ---------------------------------------------------------------- arff

  private static MultiLabelSource arff(String spec, SpecParts p) {
    p.checkKeys(ARFF_KEYS);
    p.requirePositional(1, 1, "FILE", "arff:/path/to/data.arff.gz,labels=data.xml");
    Path file = SpecParts.path(p.positional.get(0));
    LabelChoice own =
        p.options.containsKey("labels")
            ? LabelChoice.parse(p.options.get("labels"), why -> p.bad("labels", why))
            : null;
    return new MultiLabelSource(
        spec,
        "arff",
        (override, like) -> {
          requireFile(file, spec);
          LabelSpec labels;
          if (override != null) {
            labels = override.toLabelSpec();
          } else if (own != null) {
            labels = own.toLabelSpec();
          } else {
            labels = defaultArffLabels(file, like, spec);
          }
          MultiLabelDataset d =
              ArffReader.read(file, labels).withName(file.getFileName().toString());
          return new MultiLabelSource.Loaded(d, file.toString(), null, null);
        });
  }

  /**
   * An XML label file next to the ARFF named like it (also without {@code -train}/ {@code
   * -test}/{@code -sparse} suffixes) or like its relation; else MEKA's {@code -C}; else, for a test
   * file, the training set's label names (so the test labels line up by name).
   */
  private static LabelSpec defaultArffLabels(Path file, MultiLabelDataset like, String spec) {
    Path dir = file.toAbsolutePath().getParent();
    Map<String, Path> files = dir == null ? Map.of() : listing(dir);
    String relation = ArffReader.relation(file);
    List<String> tried = new ArrayList<>();
    String stem = file.getFileName().toString();
    stem = stripSuffix(stripSuffix(stem, ".gz"), ".arff");
    String rel = relation.split("[:\\s]", 2)[0];
    for (String base : rel.isEmpty() ? List.of(stem) : List.of(stem, rel)) {
      for (String b = base; !b.isEmpty(); ) {
        String xml = b + ".xml";
        if (!tried.contains(xml)) {
          tried.add(xml);
          Path x = files.get(lower(xml));
          if (x != null) {
            return LabelSpec.xml(x);
          }
        }
        String shorter = b;
        for (String suffix : List.of("-sparse", "-train", "-test", "_train", "_test")) {
          shorter = stripSuffix(shorter, suffix);
        }
        if (shorter.equals(b)) {
          break;
        }
        b = shorter;
      }
    }
    if (ArffReader.hasMekaC(relation)) {
      return LabelSpec.meka();
    }
    if (like != null && !like.featureNames().isEmpty()) {
      return LabelSpec.of(MulanLabels.of(like.labelNames()));
    }
    throw new DataException(
        file
            + ": cannot tell which attributes are labels: no XML label file"
            + " next to it (looked for "
            + String.join(", ", tried)
            + ") and @relation has no MEKA"
            + " -C n; add labels=XML_PATH|first:C|last:C to the spec '"
            + spec
            + "' or give --labels");
  }

  // ---------------------------------------------------------------- xc, libsvm

  private static MultiLabelSource xc(String spec, SpecParts p) {
    p.checkKeys(List.of());
    p.requirePositional(1, 1, "FILE", "xc:/path/to/train.txt");
    Path file = SpecParts.path(p.positional.get(0));
    return new MultiLabelSource(
        spec,
        "xc",
        (override, like) -> {
          noOverride(override, spec);
          requireFile(file, spec);
          return new MultiLabelSource.Loaded(
              ExtremeTextReader.readXc(file), file.toString(), null, null);
        });
  }

  private static MultiLabelSource libsvm(String spec, SpecParts p) {
    p.checkKeys(LIBSVM_KEYS);
    p.requirePositional(1, 1, "FILE", "libsvm:/path/to/train.svm,base=1");
    Path file = SpecParts.path(p.positional.get(0));
    int features = p.count("features");
    int labels = p.count("labels");
    int base = 1;
    if (p.options.containsKey("base")) {
      String b = p.options.get("base");
      if (!b.equals("0") && !b.equals("1")) {
        throw p.bad("base", "expected 0 or 1 (the index of the first feature in the file)");
      }
      base = Integer.parseInt(b);
    }
    int featureBase = base;
    return new MultiLabelSource(
        spec,
        "libsvm",
        (override, like) -> {
          noOverride(override, spec);
          requireFile(file, spec);
          // A test file usually does not use the highest feature or label index, so inferring D
          // and C from it would make it incompatible; take them from the training data instead.
          int d = features >= 0 ? features : like != null ? like.numFeatures() : -1;
          int c = labels >= 0 ? labels : like != null ? like.numLabels() : -1;
          ExtremeTextReader.Options o =
              ExtremeTextReader.Options.libsvm()
                  .withFeatureBase(featureBase)
                  .withNumFeatures(d)
                  .withNumLabels(c);
          return new MultiLabelSource.Loaded(
              ExtremeTextReader.read(file, o), file.toString(), null, null);
        });
  }

  // ---------------------------------------------------------------- synthetic-ml

  private static MultiLabelSource synthetic(String spec, SpecParts p) {
    p.checkKeys(SYNTHETIC_KEYS);
    p.requirePositional(0, 0, "", "synthetic-ml:n=3000,labels=1000,seed=1");
    SyntheticMultiLabel.Builder b = SyntheticMultiLabel.builder().spec(spec);
    Map<String, String> o = p.options;
    if (o.containsKey("n")) {
      b.n(p.integer("n"));
    }
    if (o.containsKey("test")) {
      b.test(p.integer("test"));
    }
    if (o.containsKey("features")) {
      b.features(p.integer("features"));
    }
    if (o.containsKey("labels")) {
      b.labels(p.integer("labels"));
    }
    if (o.containsKey("lmax")) {
      b.lmax(p.integer("lmax"));
    }
    if (o.containsKey("seed")) {
      b.seed(p.longValue("seed"));
    }
    if (o.containsKey("sigmin")) {
      b.sigMin(p.integer("sigmin"));
    }
    if (o.containsKey("sigmax")) {
      b.sigMax(p.integer("sigmax"));
    }
    if (o.containsKey("keep")) {
      b.keep(p.real("keep"));
    }
    if (o.containsKey("noise")) {
      b.noise(p.integer("noise"));
    }
    if (o.containsKey("empty")) {
      b.empty(p.real("empty"));
    }
    if (o.containsKey("zipf")) {
      b.zipf(p.real("zipf"));
    }
    if (o.containsKey("values")) {
      switch (o.get("values").toLowerCase(Locale.ROOT)) {
        case "binary":
          b.values(SyntheticMultiLabel.Values.BINARY);
          break;
        case "count":
          b.values(SyntheticMultiLabel.Values.COUNT);
          break;
        default:
          throw p.bad("values", "expected binary or count");
      }
    }
    SyntheticMultiLabel gen;
    try {
      gen = b.build();
    } catch (SdlgmException e) {
      throw new SdlgmException("data spec '" + spec + "': " + e.getMessage(), e);
    }
    return new MultiLabelSource(
        spec,
        "synthetic-ml",
        (override, like) -> {
          noOverride(override, spec);
          MultiLabelTrainTest tt = gen.load();
          return new MultiLabelSource.Loaded(tt.train(), spec, tt.test(), spec);
        });
  }

  // ---------------------------------------------------------------- helpers

  private static void noOverride(LabelChoice override, String spec) {
    if (override != null) {
      throw new SdlgmException(
          "--labels "
              + override.text()
              + " applies to ARFF data (mulan:,"
              + " arff:) only; data spec '"
              + spec
              + "' numbers its labels itself");
    }
  }

  private static void requireFile(Path file, String spec) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": file not found (from data spec '" + spec + "')");
    }
  }

  /** The folder's regular files by lower-cased name, for case-insensitive lookups. */
  private static Map<String, Path> listing(Path dir) {
    Map<String, Path> m = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isRegularFile)
          .sorted()
          .forEach(f -> m.putIfAbsent(lower(f.getFileName().toString()), f));
    } catch (IOException e) {
      throw new DataException(dir + ": cannot list folder: " + e.getMessage(), e);
    }
    return m;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String stripSuffix(String s, String suffix) {
    return s.length() > suffix.length() && lower(s).endsWith(suffix)
        ? s.substring(0, s.length() - suffix.length())
        : s;
  }
}
