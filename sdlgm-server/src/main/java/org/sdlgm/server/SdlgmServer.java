package org.sdlgm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.sdlgm.SdlgmException;
import org.sdlgm.index.IndexInfo;
import org.sdlgm.io.ModelDirectory;
import org.sdlgm.model.LevelInference;
import org.sdlgm.model.SparseCode;
import org.sdlgm.model.multilabel.LabelPrediction;

/**
 * The sdlgm HTTP service: a trained model (coder or tagger) loaded once behind a small JSON API, an
 * optional code index for nearest-neighbour search, and a web page at {@code /}. Requests that need
 * the model are micro-batched ({@link MicroBatcher}): concurrent requests share one forward pass.
 * Every refusal is a JSON {@code {"error", "field"}} with a 4xx/503 status, never a stack trace.
 * {@link #start} binds and returns a running server; {@link #close} stops taking new work, lets the
 * requests in flight finish, then stops — the CLI calls it from a shutdown hook, tests from
 * try-with-resources. docs/server.md describes the API.
 */
public final class SdlgmServer implements AutoCloseable {
  private static final Set<String> ROUTE_PATHS =
      Set.of(
          "/healthz",
          "/metrics",
          "/openapi.json",
          "/v1/model",
          "/v1/examples",
          "/v1/encode",
          "/v1/predict",
          "/v1/search",
          "/");
  private static final String ERROR_WRITTEN = "sdlgm.error";
  private static final String STARTED = "sdlgm.started";
  private static final int MAX_K = 1000;
  private static final int MAX_TOP = 1000;

  /**
   * Most hits one search may return (queries × k): each carries a code and the document's stored
   * input, so the row and k limits alone would let a small request ask for millions of them.
   */
  static final int MAX_HITS = 10_000;

  private final ServerConfig config;
  private final ServedModel model;
  private final Neighbours index;
  private final Examples examples;
  private final MicroBatcher<ServedCoder.Job, ServedCoder.Result> coderBatcher;
  private final MicroBatcher<ServedTagger.Job, LabelPrediction[]> taggerBatcher;
  private final ServerMetrics metrics;
  private final byte[] apiKey;
  private final byte[] openApi;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<String> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean draining;
  private Javalin app;
  private org.eclipse.jetty.server.Server jetty;

  /**
   * How the served coder chooses levels: as asked, else as the index's codes did, else the model's
   * own. Neighbour queries are compared with the index's codes, so a request for another inference
   * than the index's is refused rather than silently mixing the two.
   */
  private static LevelInference levelInference(ServerConfig config) {
    // A tagger with an index is refused later, with the message that says why.
    if (config.index() == null
        || ModelDirectory.TAGGER_FORMAT.equals(ModelDirectory.formatOf(config.model()))) {
      return config.levelInference();
    }
    String indexed = IndexInfo.read(config.index()).levelInference();
    if (indexed.isEmpty()) {
      return config.levelInference();
    }
    LevelInference fromIndex = LevelInference.of(indexed);
    if (config.levelInference() != null && config.levelInference() != fromIndex) {
      throw new SdlgmException(
          "--level-inference "
              + config.levelInference()
              + ": the index "
              + config.index()
              + " holds codes encoded with "
              + fromIndex
              + " level inference, and neighbour queries must be encoded the same way; serve "
              + "with --level-inference "
              + fromIndex
              + " (or without the option), or rebuild the index with 'sdlgm index "
              + "--level-inference "
              + config.levelInference()
              + "'");
    }
    return fromIndex;
  }

  private SdlgmServer(ServerConfig config) {
    this.config = config;
    this.apiKey = config.apiKey() == null ? null : config.apiKey().getBytes(StandardCharsets.UTF_8);
    this.openApi = resource("openapi.json");
    ServedModel m = ServedModel.load(config.model(), levelInference(config));
    Neighbours nb = null;
    Examples ex = null;
    try {
      if (config.index() != null) {
        if (!(m instanceof ServedCoder)) {
          throw new SdlgmException(
              "--index: "
                  + config.model()
                  + " is a multi-label model; an index"
                  + " holds codes of an unsupervised model");
        }
        nb = IndexNeighbours.open(config.index(), config.model());
      }
      if (config.data() != null) {
        ex = Examples.load(config.data(), config.part(), m);
      }
    } catch (RuntimeException e) {
      if (nb != null) {
        nb.close();
      }
      m.close();
      throw e;
    }
    this.model = m;
    this.index = nb;
    this.examples = ex;
    this.metrics = new ServerMetrics(this::waiting, this::inFlight);
    // Rows densified and scored at a time: the memory of a pass, whatever its requests hold.
    // Chunks are bounded by memory only: a job larger than --max-batch still runs as one call
    // (as it always has, so its rows round as before) unless its rows × D exceed the bound.
    int chunk = Rows.chunkRows(m.inputDim(), Integer.MAX_VALUE);
    if (m instanceof ServedCoder c) {
      coderBatcher =
          new MicroBatcher<>(
              "sdlgm-encode",
              config.inferenceThreads(),
              config.maxBatch(),
              config.maxWait(),
              config.queueCapacity(),
              jobs -> c.run(jobs, chunk),
              metrics::pass,
              inFlight::get);
      taggerBatcher = null;
    } else {
      ServedTagger t = (ServedTagger) m;
      taggerBatcher =
          new MicroBatcher<>(
              "sdlgm-predict",
              config.inferenceThreads(),
              config.maxBatch(),
              config.maxWait(),
              config.queueCapacity(),
              jobs -> t.run(jobs, chunk),
              metrics::pass,
              inFlight::get);
      coderBatcher = null;
    }
  }

  /**
   * Loads the model (and index and examples, if configured), binds {@code host:port} and starts
   * serving. Fails with an {@link SdlgmException} naming the file or option at fault.
   */
  public static SdlgmServer start(ServerConfig config) {
    SdlgmServer s = new SdlgmServer(config);
    try {
      s.app = s.createApp();
      s.app.start(config.host(), config.port());
      // Jetty's graceful stop (Javalin installs its StatisticsHandler) waits for requests it has
      // begun to handle, also those not yet in a route handler. Set once started: a failed
      // start stops the server at once, and a graceful stop there hid the cause.
      s.jetty.setStopTimeout(30_000);
    } catch (Exception e) { // Javalin (Kotlin) may throw checked exceptions undeclared
      s.closeModel();
      if (e instanceof SdlgmException se) {
        throw se;
      }
      throw new SdlgmException(
          "cannot listen on " + config.host() + ":" + config.port() + " (" + rootMessage(e) + ")",
          e);
    }
    return s;
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int port() {
    return app.port();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "http://" + host + ":" + port();
  }

  /** "coder" or "tagger". */
  public String modelKind() {
    return model.kind();
  }

  /** Forward passes run so far (micro-batching makes this smaller than the requests served). */
  public long forwardPasses() {
    return coderBatcher != null ? coderBatcher.passes() : taggerBatcher.passes();
  }

  /** The endpoints as registered with the HTTP server ("POST /v1/encode", ...), for tests. */
  List<String> routes() {
    return List.copyOf(routes);
  }

  /** Requests being handled by the /v1 routes now (for tests). */
  int inFlight() {
    return inFlight.get();
  }

  private int waiting() {
    return coderBatcher != null ? coderBatcher.waiting() : taggerBatcher.waiting();
  }

  /**
   * Stops taking model requests (503), waits up to 30 s for those in flight, stops the HTTP server
   * and the batcher, and frees the model and index. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (draining) {
      return;
    }
    draining = true;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (app != null) {
      app.stop();
    }
    closeModel();
  }

  private void closeModel() {
    if (coderBatcher != null) {
      coderBatcher.close();
    }
    if (taggerBatcher != null) {
      taggerBatcher.close();
    }
    if (index != null) {
      index.close();
    }
    model.close();
  }

  // ------------------------------------------------------------------------------ routes

  private Javalin createApp() {
    Javalin a =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.startupWatcherEnabled = false;
              cfg.http.prefer405over404 = true;
              cfg.events.handlerAdded(
                  h -> {
                    if (h.getHttpMethod().isHttpMethod()) {
                      routes.add(h.getHttpMethod().name() + " " + h.getPath());
                    }
                  });
              cfg.http.maxRequestSize = config.bodyLimit();
              cfg.jetty.modifyServer(server -> jetty = server);
              cfg.staticFiles.add(
                  sf -> {
                    sf.hostedPath = "/";
                    sf.directory = "/org/sdlgm/server/web";
                    sf.location = Location.CLASSPATH;
                  });
            });
    a.before(
        ctx -> {
          ctx.attribute(STARTED, System.nanoTime());
          String path = routePath(ctx.path());
          if (apiKey != null && (path.startsWith("/v1/") || path.equals("/metrics"))) {
            authorize(ctx);
          }
        });
    a.after(
        ctx -> {
          Long t0 = ctx.attribute(STARTED);
          String path = routePath(ctx.path());
          String route =
              ROUTE_PATHS.contains(path) ? path : path.startsWith("/v1/") ? "/v1/other" : "other";
          metrics.request(
              ctx.method().name(),
              route,
              ctx.statusCode(),
              t0 == null ? 0 : System.nanoTime() - t0);
        });
    a.get(
        "/healthz",
        ctx -> {
          ObjectNode n = Json.MAPPER.createObjectNode();
          n.put("status", draining ? "draining" : "ok");
          n.put("model", model.kind());
          ctx.status(draining ? 503 : 200);
          json(ctx, n);
        });
    a.get(
        "/metrics",
        ctx -> {
          ctx.contentType(metrics.contentType());
          ctx.result(metrics.scrape());
        });
    a.get(
        "/openapi.json",
        ctx -> {
          ctx.contentType("application/json");
          ctx.result(openApi);
        });
    a.get("/v1/model", guarded(this::describe));
    a.get("/v1/examples", guarded(this::examples));
    a.post("/v1/encode", guarded(this::encode));
    a.post("/v1/predict", guarded(this::predict));
    a.post("/v1/search", guarded(this::search));

    a.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.field()));
    a.exception(SdlgmException.class, (e, ctx) -> error(ctx, 400, oneLine(e.getMessage()), null));
    a.exception(
        Exception.class,
        (e, ctx) -> {
          // A bug, not a bad request: the client gets one line, the log the stack trace.
          System.err.println("sdlgm-server: internal error on " + ctx.method() + " " + ctx.path());
          e.printStackTrace();
          error(ctx, 500, "internal error: " + e.getClass().getSimpleName(), null);
        });
    a.error(
        404,
        ctx -> {
          if (ctx.attribute(ERROR_WRITTEN) == null) {
            error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path(), null);
          }
        });
    a.error(
        405,
        ctx -> {
          if (ctx.attribute(ERROR_WRITTEN) == null) {
            error(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path(), null);
          }
        });
    a.error(
        413,
        ctx -> {
          if (ctx.attribute(ERROR_WRITTEN) == null) {
            error(ctx, 413, "request body larger than " + config.bodyLimit() + " bytes", null);
          }
        });
    return a;
  }

  /**
   * The path as the routes see it: Javalin ignores trailing slashes when it matches a route
   * ("/metrics/" is served by "/metrics"), so the key check and the metrics must too.
   */
  private static String routePath(String path) {
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end);
  }

  /** Counts the request in flight (so that {@link #close} can wait for it); 503 when closing. */
  private Handler guarded(Handler h) {
    return ctx -> {
      inFlight.incrementAndGet();
      try {
        if (draining) {
          throw new ApiException(503, "the server is shutting down", null);
        }
        h.handle(ctx);
      } finally {
        inFlight.decrementAndGet();
      }
    };
  }

  private void authorize(Context ctx) {
    String given = ctx.header("X-API-Key");
    String auth = ctx.header("Authorization");
    if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = auth.substring(7).trim();
    }
    if (given == null || given.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiException(
          401, "missing API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'", null);
    }
    // Constant-time comparisons: the time taken does not tell how much of the key matched. Jetty
    // decodes header values as ISO-8859-1, so the bytes the client sent are the value's ISO-8859-1
    // bytes (a key beyond ASCII sent in UTF-8, as curl does); a browser sends the key's
    // ISO-8859-1 characters, which the decoded value equals.
    boolean sentBytes = MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.ISO_8859_1));
    boolean sentChars = MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.UTF_8));
    if (!sentBytes && !sentChars) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiException(401, "wrong API key", null);
    }
  }

  private void describe(Context ctx) {
    ObjectNode n = model.describe();
    n.set("index", index == null ? Json.MAPPER.nullNode() : index.describe());
    n.set("examples", examples == null ? Json.MAPPER.nullNode() : examples.describe());
    ObjectNode s = n.putObject("server");
    s.put("maxBatch", config.maxBatch());
    s.put("maxWaitMillis", config.maxWait().toNanos() / 1e6);
    s.put("queueCapacity", config.queueCapacity());
    s.put("bodyLimit", config.bodyLimit());
    s.put("inferenceThreads", config.inferenceThreads());
    s.put("apiKey", apiKey != null);
    json(ctx, n);
  }

  private void examples(Context ctx) {
    if (examples == null) {
      throw new ApiException(400, "no example data: start the server with --data SPEC", null);
    }
    int size = examples.size();
    int offset = queryInt(ctx, "offset", 0, 0, Math.max(0, size - 1));
    int limit = queryInt(ctx, "limit", 10, 1, 100);
    ObjectNode n = examples.describe();
    ArrayNode items = n.putArray("items");
    for (int i = offset; i < Math.min(size, offset + limit); i++) {
      items.add(examples.item(i));
    }
    json(ctx, n);
  }

  private void encode(Context ctx) {
    ServedCoder coder = requireCoder("/v1/encode");
    RequestParser.Body body = RequestParser.object(body(ctx));
    Rows rows = RequestParser.rows(body, "inputs", coder.inputDim());
    boolean reconstruct = RequestParser.boolOption(body, "reconstruct");
    ServedCoder.Result r =
        await(coderBatcher.submit(new ServedCoder.Job(rows, reconstruct), rows.size()));
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode results = n.putArray("results");
    int d = coder.inputDim();
    for (int i = 0; i < r.codes().size(); i++) {
      requireFinite(i, r.codes().get(i));
      if (r.reconstruction() != null) {
        requireFinite(i, r.reconstruction(), i * d, d);
      }
    }
    for (int i = 0; i < r.codes().size(); i++) {
      ObjectNode o = code(results.addObject(), i, r.codes().get(i));
      if (r.reconstruction() != null) {
        floats(o.putArray("reconstruction"), r.reconstruction(), i * d, d);
      }
    }
    json(ctx, n);
  }

  private void predict(Context ctx) {
    if (!(model instanceof ServedTagger tagger)) {
      throw new ApiException(
          400,
          "/v1/predict needs a multi-label model; this server serves an"
              + " unsupervised coder (use /v1/encode)",
          null);
    }
    RequestParser.Body body = RequestParser.object(body(ctx));
    Rows rows = RequestParser.rows(body, "inputs", tagger.inputDim());
    int top = RequestParser.intOption(body, "top", 0, 0, MAX_TOP);
    LabelPrediction[] p = await(taggerBatcher.submit(new ServedTagger.Job(rows, top), rows.size()));
    for (int i = 0; i < p.length; i++) {
      if (p[i] == null) { // ServedTagger.run: the row's scores are not finite
        throw notFinite(i);
      }
    }
    List<String> names = tagger.labelNames();
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode results = n.putArray("results");
    for (int i = 0; i < p.length; i++) {
      // The fields of PredictionWriter's JSON Lines, in its order.
      ObjectNode o = results.addObject();
      o.put("id", i);
      o.put("L", p[i].level());
      ArrayNode labels = o.putArray("labels");
      for (int l : p[i].labels()) {
        labels.add(names.get(l));
      }
      floats(o.putArray("scores"), p[i].scores(), 0, p[i].scores().length);
      if (p[i].levelProbs() != null) {
        floats(o.putArray("pL"), p[i].levelProbs(), 0, p[i].levelProbs().length);
        o.put("pLFrom", tagger.minLevel());
      }
      if (top > 0) {
        ArrayNode ranked = o.putArray("ranked");
        for (int l : p[i].ranked()) {
          ranked.add(names.get(l));
        }
        floats(o.putArray("rankedScores"), p[i].rankedScores(), 0, p[i].rankedScores().length);
      }
    }
    json(ctx, n);
  }

  private void search(Context ctx) {
    ServedCoder coder = requireCoder("/v1/search");
    if (index == null) {
      throw new ApiException(
          400, "no index: start the server with --index DIR (built by 'sdlgm index')", null);
    }
    RequestParser.Body body = RequestParser.object(body(ctx));
    int k = RequestParser.intOption(body, "k", 10, 1, MAX_K);
    boolean hasInputs = body.hasNonNull("inputs");
    boolean hasCodes = body.hasNonNull("codes");
    if (hasInputs == hasCodes) {
      throw new ApiException(
          400,
          "give either 'inputs' (rows to encode) or 'codes' (sparse codes),"
              + " not "
              + (hasInputs ? "both" : "neither"),
          hasInputs ? "codes" : "inputs");
    }
    List<SparseCode> queries;
    if (hasInputs) {
      Rows rows = RequestParser.rows(body, "inputs", coder.inputDim());
      requireHits(rows.size(), k);
      queries = await(coderBatcher.submit(new ServedCoder.Job(rows, false), rows.size())).codes();
      for (int i = 0; i < queries.size(); i++) {
        requireFinite(i, queries.get(i));
      }
    } else {
      queries = RequestParser.codes(body, "codes", coder.latentDim());
      requireHits(queries.size(), k);
    }
    List<List<Neighbours.Hit>> hits = index.search(queries, k);
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode results = n.putArray("results");
    for (int i = 0; i < queries.size(); i++) {
      ObjectNode o = results.addObject();
      code(o.putObject("query"), i, queries.get(i));
      ArrayNode hs = o.putArray("hits");
      for (Neighbours.Hit h : hits.get(i)) {
        ObjectNode ho = hs.addObject();
        ho.put("id", h.id());
        if (h.label() == null) {
          ho.putNull("label");
        } else {
          ho.put("label", h.label());
        }
        ho.put("score", h.score());
        ArrayNode idx = ho.putArray("indices");
        for (int j : h.indices()) {
          idx.add(j);
        }
        floats(ho.putArray("values"), h.values(), 0, h.values().length);
        if (h.input() != null) {
          floats(ho.putArray("input"), h.input(), 0, h.input().length);
        }
      }
    }
    json(ctx, n);
  }

  private ServedCoder requireCoder(String route) {
    if (model instanceof ServedCoder c) {
      return c;
    }
    throw new ApiException(
        400,
        route
            + " needs an unsupervised model; this server serves a"
            + " multi-label tagger (use /v1/predict)",
        null);
  }

  // ----------------------------------------------------------------------------- helpers

  /** 400 when {@code queries} searches of {@code k} hits each would exceed {@link #MAX_HITS}. */
  private static void requireHits(int queries, int k) {
    if ((long) queries * k > MAX_HITS) {
      throw ApiException.badField(
          "k",
          k
              + " hits for each of "
              + queries
              + " queries is more than the "
              + MAX_HITS
              + " hits a search may return; lower k or split the request");
    }
  }

  /**
   * A finite input row can still be too large for the network (its output overflows to NaN): that
   * row is refused by name instead of answered with "NaN" where the API promises numbers.
   */
  private static ApiException notFinite(int row) {
    return ApiException.badField(
        "inputs[" + row + "]",
        "the model's output for this row is not finite: its values are too large for the model");
  }

  private static void requireFinite(int row, SparseCode c) {
    requireFinite(row, c.values(), 0, c.values().length);
    if (c.levelProbs() != null) {
      requireFinite(row, c.levelProbs(), 0, c.levelProbs().length);
    }
  }

  private static void requireFinite(int row, float[] v, int from, int n) {
    if (!ServedModel.allFinite(v, from, n)) {
      throw notFinite(row);
    }
  }

  /**
   * The fields of {@code encode}'s JSON Lines: id, L, indices, values, pL (when the model has
   * q(L|x)).
   */
  private static ObjectNode code(ObjectNode o, int id, SparseCode c) {
    o.put("id", id);
    o.put("L", c.level());
    ArrayNode idx = o.putArray("indices");
    for (int j : c.indices()) {
      idx.add(j);
    }
    floats(o.putArray("values"), c.values(), 0, c.values().length);
    if (c.levelProbs() != null) {
      floats(o.putArray("pL"), c.levelProbs(), 0, c.levelProbs().length);
    }
    return o;
  }

  private static void floats(ArrayNode a, float[] v, int from, int n) {
    for (int i = from; i < from + n; i++) {
      a.add(v[i]);
    }
  }

  /** The body, at most the configured limit (413 beyond, whatever Content-Length said). */
  private byte[] body(Context ctx) {
    long limit = config.bodyLimit();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      throw new ApiException(
          413, "request body of " + declared + " bytes; the limit is " + limit, null);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      // One byte beyond the limit tells a body above it (limit + 1 would overflow for the largest).
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 9L, limit) + 1);
      if (b.length > limit) {
        throw new ApiException(
            413, "request body larger than the limit of " + limit + " bytes", null);
      }
      return b;
    } catch (IOException e) {
      throw new ApiException(
          400, "cannot read the request body (" + oneLine(e.getMessage()) + ")", null);
    }
  }

  private static int queryInt(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      int i = Integer.parseInt(v.trim());
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.badField(
        name, "expected an integer in " + min + ".." + max + ", got '" + oneLine(v) + "'");
  }

  /** Waits for a micro-batch result; a failure of the pass becomes this request's error. */
  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted while waiting for the model", null);
    } catch (ExecutionException | CompletionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  private static void json(Context ctx, JsonNode n) {
    ctx.contentType("application/json");
    try {
      ctx.result(Json.MAPPER.writeValueAsBytes(n));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void error(Context ctx, int status, String message, String field) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("error", message);
    if (field == null) {
      n.putNull("field");
    } else {
      n.put("field", field);
    }
    ctx.attribute(ERROR_WRITTEN, true);
    ctx.status(status);
    json(ctx, n);
  }

  private static byte[] resource(String name) {
    try (InputStream in = SdlgmServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the server's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.replace('\n', ' ').replace('\r', ' ');
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
