package org.sdlgm.io;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * How and with what a model or result was made: library, DJL, engine, Java and OS versions, the
 * time, and the command line when known. Written into every model directory and every metrics file
 * so that a number can be traced back to the software that produced it.
 */
public record Provenance(
    String sdlgmVersion,
    String djlVersion,
    String engine,
    String engineVersion,
    String javaVersion,
    String os,
    String created,
    List<String> command) {

  /** The provenance of the running process. */
  public static Provenance current(List<String> command) {
    Engine e = Engine.getInstance();
    return new Provenance(
        libraryVersion(),
        Engine.getDjlVersion(),
        e.getEngineName(),
        e.getVersion(),
        System.getProperty("java.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Instant.now().toString(),
        command == null ? List.of() : List.copyOf(command));
  }

  /** This library's version, from the build. */
  public static String libraryVersion() {
    try (InputStream in =
        Provenance.class.getResourceAsStream("/org/sdlgm/sdlgm-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException ex) {
      return "unknown";
    }
  }
}
