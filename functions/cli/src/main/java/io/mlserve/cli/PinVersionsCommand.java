package io.mlserve.cli;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.json.Json;
import io.mlserve.core.registry.ObjectVersionBackfill;
import io.mlserve.core.registry.ObjectVersionBackfill.Result;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlserve pin-versions}: the one-off backfill for versions registered before registration pinned S3 object
 * versions. Finds, per version, the object versions holding the bytes whose sha256 registration recorded and records
 * them; versions already pinned are left alone, so running it again is harmless.
 */
@Command(name = "pin-versions", description = "Record the S3 object versions of model versions registered before pinning "
        + "(checks each file's sha256 first). Prints one JSON line per version; exit 0 when every version is pinned, 2 otherwise.")
final class PinVersionsCommand implements Callable<Integer> {
    /** The audit actor of the backfill. */
    static final String ACTOR = "cli:pin-versions";

    private final BiFunction<String, String, ObjectVersionBackfill> backfills;

    @Spec
    CommandSpec spec;

    @Option(names = "--registry-table", required = true, description = "the registry table (stack output RegistryTableName)")
    String registryTable;

    @Option(names = "--models-bucket", required = true, description = "the models bucket (stack output ModelsBucketName)")
    String modelsBucket;

    @Option(names = "--model", description = "only this model (default: every model)")
    String model;

    @Option(names = "--dry-run", description = "find the object versions, record nothing")
    boolean dryRun;

    PinVersionsCommand() {
        this((table, bucket) -> new ObjectVersionBackfill(new DynamoDbModelRegistry(AwsClients.dynamoDb(), table),
                new S3ModelStore(AwsClients.s3(), bucket), Clock.systemUTC()));
    }

    PinVersionsCommand(BiFunction<String, String, ObjectVersionBackfill> backfills) { // tests pass in-memory stores
        this.backfills = backfills;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var outcomes = backfills.apply(registryTable, modelsBucket).run(model, dryRun, ACTOR);
        outcomes.forEach(o -> out.println(Json.write(o)));
        long unpinned = outcomes.stream().filter(o -> o.result() == Result.NOT_FOUND || o.result() == Result.CHANGED).count();
        spec.commandLine().getErr().println((dryRun ? "dry run: " : "") + outcomes.size() + " version(s): "
                + outcomes.stream().filter(o -> o.result() == Result.PINNED).count() + " pinned" + (dryRun ? " (not recorded)" : "")
                + ", " + outcomes.stream().filter(o -> o.result() == Result.ALREADY_PINNED).count() + " already pinned, "
                + unpinned + " not pinned");
        out.flush();
        spec.commandLine().getErr().flush();
        return unpinned == 0 ? 0 : 2;
    }
}
