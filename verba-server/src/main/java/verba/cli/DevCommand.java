package verba.cli;

import picocli.CommandLine.Command;

/** {@code verba dev ...}: developer tools that expose single stages of the engines for checking against references. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Developer tools: run single stages of the engines for checking against reference outputs.",
        subcommands = {TokenizeCommand.class, CloneCommand.class, ReplayCommand.class})
public final class DevCommand {
}
