package org.sdlgm.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.sdlgm.SdlgmException;
import org.sdlgm.util.AtomicFiles;

/**
 * The parameter file of every {@link TrainedModel} (DJL's format: names, shapes and values of the
 * network's parameters, in the block's order): reading it into a freshly built network, writing it
 * atomically, as bytes in memory, and its exact size. One implementation, so that both tasks'
 * models and their checkpoints read and write parameters the same way.
 */
public final class Parameters {
  private Parameters() {}

  /**
   * Replaces the parameters of {@code block} (initialised for inputs of {@code inputShape} in
   * {@code manager}) by those of {@code file}. Fails, naming the file, when it is missing or does
   * not hold the parameters of this network.
   */
  public static void read(Block block, NDManager manager, Shape inputShape, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      read(block, manager, inputShape, in, file.toString());
    } catch (NoSuchFileException e) {
      throw new SdlgmException(file + ": parameter file is missing");
    } catch (IOException e) {
      throw unreadable(file.toString(), e);
    }
  }

  /** As {@link #read(Block, NDManager, Shape, Path)}, from bytes written by {@link #bytes}. */
  public static void read(Block block, NDManager manager, Shape inputShape, byte[] params) {
    read(block, manager, inputShape, new ByteArrayInputStream(params), "in-memory parameters");
  }

  private static void read(
      Block block, NDManager manager, Shape inputShape, InputStream in, String source) {
    try (DataInputStream din = new DataInputStream(new BufferedInputStream(in))) {
      // DJL's loading replaces each array without closing the random one it had.
      block.getParameters().values().forEach(Parameter::close);
      block.loadParameters(manager, din);
      // Loaded arrays do not require gradients; re-initialising marks them so that a resumed
      // run can train them (initialisation itself is skipped for parameters that have arrays).
      block.initialize(manager, DataType.FLOAT32, inputShape);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw unreadable(source, e);
    }
  }

  private static SdlgmException unreadable(String source, Exception e) {
    return new SdlgmException(
        source
            + ": cannot read model parameters ("
            + e.getMessage()
            + "); was it written for this configuration?",
        e);
  }

  /** Writes the parameters of {@code block} to {@code file} atomically (temporary file, rename). */
  public static void write(Block block, Path file) {
    AtomicFiles.write(
        file,
        out -> {
          try (OutputStream buf = new BufferedOutputStream(out);
              DataOutputStream dout = new DataOutputStream(buf)) {
            block.saveParameters(dout);
          }
        });
  }

  /** The parameters of {@code block} in the file format, in memory. */
  public static byte[] bytes(Block block) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /** The size in bytes of the parameter file of {@code block}, counted without keeping them. */
  public static long size(Block block) {
    long[] n = new long[1];
    OutputStream counter =
        new OutputStream() {
          @Override
          public void write(int b) {
            n[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            n[0] += len;
          }
        };
    try (DataOutputStream out = new DataOutputStream(counter)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n[0];
  }
}
