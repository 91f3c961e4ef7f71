package org.sdlgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sdlgm serve}: bad options fail with one line; SIGTERM drains and exits 0. */
class ServeCommandTest {
  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void train() {
    model = dir.resolve("model");
    List<String> args =
        new ArrayList<>(
            List.of("train", "--data", Cli.SYN, "--epochs", "1", "--out", model.toString()));
    args.addAll(Cli.TINY);
    Cli.ok(args.toArray(String[]::new));
  }

  @Test
  void helpShowsAnExample() {
    Cli.Result r = Cli.ok("serve", "--help");
    assertTrue(r.out().contains("Example: sdlgm serve"), r::toString);
    assertTrue(r.out().contains("--api-key-file"), r::toString);
    assertEquals("", r.err(), "help must not print to stderr");
  }

  @Test
  void badOptionsFailWithOneLine() throws Exception {
    Cli.Result missing = Cli.run("serve", "--model", dir.resolve("nope").toString());
    assertEquals(2, missing.code(), missing.toString());
    assertTrue(missing.error().contains("does not exist"), missing.error());

    Cli.Result key =
        Cli.run(
            "serve",
            "--model",
            model.toString(),
            "--api-key-file",
            dir.resolve("no-key").toString());
    assertEquals(2, key.code());
    assertTrue(key.error().contains("--api-key-file"), key.error());

    Path empty = Files.writeString(dir.resolve("empty-key"), "\n");
    Cli.Result blank =
        Cli.run("serve", "--model", model.toString(), "--api-key-file", empty.toString());
    assertEquals(2, blank.code());
    assertTrue(blank.error().contains("empty"), blank.error());

    Cli.Result batch = Cli.run("serve", "--model", model.toString(), "--max-batch", "0");
    assertEquals(2, batch.code());
    assertTrue(batch.error().contains("--max-batch"), batch.error());

    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli.Result busy =
          Cli.run(
              "serve",
              "--model",
              model.toString(),
              "--port",
              Integer.toString(taken.getLocalPort()));
      assertEquals(2, busy.code(), busy.toString());
      assertTrue(
          busy.error().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()),
          busy.error());
    }

    Cli.Result index = Cli.run("serve", "--model", model.toString(), "--index", dir.toString());
    assertEquals(2, index.code());
    assertTrue(index.error().contains("not a code index"), index.error());
    // Without --model the index names the model; without either there is nothing to serve.
    Cli.Result indexOnly = Cli.run("serve", "--index", dir.toString());
    assertEquals(2, indexOnly.code());
    assertTrue(indexOnly.error().contains("not a code index"), indexOnly.error());
    Cli.Result neither = Cli.run("serve");
    assertEquals(2, neither.code());
    assertTrue(neither.error().contains("give --model DIR (or --index DIR"), neither.error());
  }

  /** A request in flight when SIGTERM arrives still gets its answer; then the exit code is 0. */
  @Test
  void sigtermDrainsAndExitsZero() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "-Dai.djl.offline=true",
            "org.sdlgm.cli.Main",
            "serve",
            "--model",
            model.toString(),
            "--port",
            "0",
            "--threads",
            "1");
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // stderr to a file: Process.destroy() closes the pipes, and the last lines come after it.
    Path errFile = dir.resolve("serve.err");
    pb.redirectError(errFile.toFile());
    Process p = pb.start();
    try {
      Pattern listening = Pattern.compile("on (http://127\\.0\\.0\\.1:\\d+)/ ");
      String url = null;
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (url == null && p.isAlive() && System.nanoTime() < deadline) {
        Matcher m = listening.matcher(Files.readString(errFile));
        if (m.find()) {
          url = m.group(1);
        } else {
          Thread.sleep(50);
        }
      }
      assertNotNull(url, "no 'listening' line:\n" + Files.readString(errFile));
      StringBuilder row = new StringBuilder("{\"inputs\": [[");
      for (int j = 0; j < 64; j++) {
        row.append(j == 0 ? "" : ",").append(j % 5 == 0 ? "0.5" : "0");
      }
      row.append("]]}");
      // A request whose body is half sent is in flight: the server is reading it.
      byte[] body = row.toString().getBytes(StandardCharsets.UTF_8);
      int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /v1/encode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        HttpClient client = HttpClient.newHttpClient();
        long until = System.nanoTime() + 30_000_000_000L;
        while (!client
                .send(
                    HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body()
                .contains("sdlgm_requests_in_flight 1")
            && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        p.destroy(); // SIGTERM
        Thread.sleep(500);
        assertTrue(p.isAlive(), "waits for the request in flight");
        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
        String response =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\"indices\""), response);
      }
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits after draining");
      String log = Files.readString(errFile);
      assertEquals(0, p.exitValue(), log);
      assertTrue(log.contains("sdlgm serve: stopped"), log);
    } finally {
      p.destroyForcibly();
    }
  }
}
