package verba.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code verba} command line: {@code serve}, {@code say}, {@code voices}, developer tools and benchmarks. */
@Command(name = "verba", mixinStandardHelpOptions = true, version = "verba 0.1.0",
        description = "Self-hosted text-to-speech: Kyutai streaming protocol, Monica and OpenAI APIs.",
        subcommands = {CommandLine.HelpCommand.class, DevCommand.class, BenchServerCommand.class})
public final class Main {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // A user error is a sentence and a non-zero exit, never a stack trace.
            cmd.getErr().println("verba: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
