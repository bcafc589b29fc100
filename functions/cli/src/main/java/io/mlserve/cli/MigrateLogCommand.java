package io.mlserve.cli;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.PredictionLogMigration;
import io.mlserve.core.json.Json;
import io.mlserve.core.registry.RegistryLogShards;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlserve migrate-log}: one-off, after deploying the sharded log — rewrites prediction-log items written
 * before sharding ({@code pk = <model>#<version>}) into the sharded layout, so the log API, stats, the canary guard,
 * drift and feedback see them again. Idempotent and resumable: run it again until it reports {@code "legacy": 0}.
 */
@Command(name = "migrate-log", description = "Rewrite prediction-log items written before sharding into the sharded layout "
        + "(idempotent; prints counts as JSON).")
final class MigrateLogCommand implements Callable<Integer> {
    /** Builds the migration for the tables named (tests pass an in-memory one). */
    @FunctionalInterface
    interface Migrations {
        PredictionLogMigration of(String predictionsTable, String registryTable);
    }

    private final Migrations migrations;

    @Spec
    CommandSpec spec;

    @Option(names = "--predictions-table", required = true, description = "the prediction log (stack output PredictionsTableName)")
    String predictionsTable;

    @Option(names = "--registry-table", required = true, description = "the registry (stack output RegistryTableName): shard counts")
    String registryTable;

    @Option(names = "--segments", defaultValue = "4", description = "parallel scan segments, 1..16 (default 4)")
    int segments;

    @Option(names = "--dry-run", description = "count legacy items only, change nothing")
    boolean dryRun;

    MigrateLogCommand() {
        this((predictions, registry) -> {
            var dynamoDb = AwsClients.dynamoDb();
            return new PredictionLogMigration(dynamoDb, predictions, new RegistryLogShards(new DynamoDbModelRegistry(dynamoDb, registry)));
        });
    }

    MigrateLogCommand(Migrations migrations) {
        this.migrations = migrations;
    }

    @Override
    public Integer call() {
        if (segments < 1 || segments > 16) {
            spec.commandLine().getErr().println("--segments must be 1..16");
            return 2;
        }
        var result = migrations.of(predictionsTable, registryTable).run(segments, dryRun);
        spec.commandLine().getOut().println(Json.write(result));
        spec.commandLine().getOut().flush();
        if (result.failed() > 0) {
            spec.commandLine().getErr().println(result.failed() + " item(s) not migrated (last: " + result.lastError() + "); run again");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }
}
