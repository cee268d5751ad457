package dev.warden.ops;

import com.typesafe.config.ConfigException;
import dev.warden.core.WardenConfigException;
import dev.warden.ops.bench.BenchCommand;
import dev.warden.ops.drone.DroneCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code warden} command. Bad arguments or config: one line on stderr and exit code 2. */
@Command(
    name = "warden",
    mixinStandardHelpOptions = true,
    version = "warden 0.1.0",
    description = "Fault-tolerant job runtime on Apache Pekko: run a node, demo, inspect, bench.",
    subcommands = {RunCommand.class, DemoCommand.class, TreeCommand.class, BenchCommand.class, GraveyardCommand.class, CdsTrainCommand.class,
        DroneCommand.class})
public final class WardenCli implements Runnable {
  public static final int USAGE = 2;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and answers its exit code (tests call this in-process). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new WardenCli());
    cli.setParameterExceptionHandler(
        (ex, a) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("warden: " + ex.getMessage() + " (try: warden " + ex.getCommandLine().getCommandName() + " --help)");
          err.flush();
          return USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (ex instanceof WardenConfigException || ex instanceof ConfigException || ex instanceof NodeOptions.UsageError) {
            err.println("warden: " + oneLine(ex.getMessage()));
            err.flush();
            return USAGE;
          }
          if (ex instanceof IllegalArgumentException) {
            err.println("warden: " + oneLine(ex.getMessage()));
            err.flush();
            return USAGE;
          }
          if (ex instanceof IllegalStateException) { // could not start: e.g. the database is in use
            err.println("warden: " + oneLine(ex.getMessage()));
            err.flush();
            return 1;
          }
          throw ex;
        });
    return cli.execute(args);
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ");
  }
}
