package verba.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code verba} command line: {@code serve}, {@code say}, {@code voices}, developer tools and benchmarks. */
@Command(name = "verba", mixinStandardHelpOptions = true, version = "verba 0.1.0",
        description = "Self-hosted text-to-speech: Kyutai streaming protocol, Monica and OpenAI APIs.",
        subcommands = {ServeCommand.class, SayCommand.class, VoicesCommand.class, BenchServerCommand.class,
                BenchCommand.class, DevCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with verba's error handling: a user error is a sentence and exit status 1, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("verba: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cli;
    }
}
