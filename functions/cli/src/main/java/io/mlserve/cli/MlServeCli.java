package io.mlserve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar mlserve.jar <command>}: model and key tools that run on a laptop or in CI. */
@Command(name = "mlserve", mixinStandardHelpOptions = true, version = "mlserve 0.1.0",
        description = "Check and publish ONNX model packages, manage API keys, and run bulk predictions, and migrate the prediction log, for mlserve.",
        subcommands = {CheckCommand.class, PublishCommand.class, KeysCommand.class, BatchCommand.class, MigrateLogCommand.class})
public final class MlServeCli {
    private MlServeCli() {}

    /** @param args command line */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MlServeCli()).execute(args));
    }
}
