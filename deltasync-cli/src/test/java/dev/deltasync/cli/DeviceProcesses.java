package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the packaged command as separate processes, and looks at the folders they sync. */
final class DeviceProcesses {
  private DeviceProcesses() {}

  /** What one run of the command did. */
  record Run(int exit, String stdout, String stderr) {
    Run succeeded() {
      assertThat(exit).as("exit code; stderr: %s; stdout: %s", stderr, stdout).isZero();
      return this;
    }
  }

  /** Starts {@code deltasync ARGS} with extra environment variables; stdin is empty. */
  static Process start(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:TieredStopAtLevel=1"); // these processes are short: start fast
    command.add("-XX:+UseSerialGC");
    // A class-data archive made by the first process (and again whenever the jar changes) saves
    // a third of every start; -Xlog:disable keeps the JVM's own notes about it off stderr.
    command.add("-XX:+AutoCreateSharedArchive");
    command.add("-XX:SharedArchiveFile=" + Path.of("target/deltasync-it.jsa").toAbsolutePath());
    command.add("-Xlog:disable");
    command.add("-jar");
    command.add(CommandProcessIT.JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove(Home.ENV);
    builder.environment().remove(Secrets.PASSWORD_ENV);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return finish(start(env, args));
  }

  static Run run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  static Run finish(Process process) throws IOException, InterruptedException {
    Thread.Builder builder = Thread.ofPlatform().daemon();
    StringBuilder err = new StringBuilder();
    Thread errReader =
        builder.start(() -> {
          try {
            err.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            err.append(e);
          }
        });
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
    errReader.join(10_000);
    return new Run(process.exitValue(), out, err.toString());
  }

  /** Every path in a synced folder but the folder source's own files, with its content. */
  static Map<String, String> tree(Path folder) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
        String rel = folder.relativize(p).toString();
        if (rel.isEmpty() || rel.startsWith(".deltasync")) {
          continue;
        }
        tree.put(rel, Files.isDirectory(p) ? "dir" : Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return tree;
  }

  static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
