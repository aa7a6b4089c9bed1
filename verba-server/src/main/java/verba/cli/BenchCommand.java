package verba.cli;

import picocli.CommandLine.Command;

/** {@code verba bench ...}: speed benchmarks (numbers, not tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Speed benchmarks.",
        subcommands = {PocketBenchCommand.class})
public final class BenchCommand {
}
