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

  /** A device: a home, and a folder bound to collection {@code docs}. */
  record Device(Path home, Path folder) {
    /** The device {@code name} under {@code base}: {@code NAME-home} and {@code NAME-folder}. */
    static Device named(Path base, String name) {
      return new Device(base.resolve(name + "-home"), base.resolve(name + "-folder"));
    }

    Run sync() throws Exception {
      return run("--home", home.toString(), "sync").succeeded();
    }

    Run command(String... args) throws Exception {
      String[] all = new String[args.length + 2];
      all[0] = "--home";
      all[1] = home.toString();
      System.arraycopy(args, 0, all, 2, args.length);
      return run(all);
    }
  }

  /** Creates user {@code name} on a server started on {@code data}. */
  static void addUser(ServerCrashIT.ServerProcess server, Path data, Path passwordFile, String name)
      throws Exception {
    run(
            "user",
            "add",
            name,
            "--server",
            server.url,
            "--admin-token-file",
            data.resolve("admin-token").toString(),
            "--password-file",
            passwordFile.toString())
        .succeeded();
  }

  /** Joins the server as device {@code name} of {@code user}, and binds {@code docs}. */
  static Device serverDevice(
      Path base, ServerCrashIT.ServerProcess server, Path passwordFile, String user, String name)
      throws Exception {
    Device device = Device.named(base, name);
    device
        .command(
            "join",
            server.url,
            "--user",
            user,
            "--password-file",
            passwordFile.toString(),
            "--device",
            name)
        .succeeded();
    device.command("add", "docs", device.folder().toString()).succeeded();
    return device;
  }
}
