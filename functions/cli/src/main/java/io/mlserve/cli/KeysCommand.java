package io.mlserve.cli;

import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyConflictException;
import io.mlserve.core.access.KeyHash;
import io.mlserve.core.access.KeyNotFoundException;
import io.mlserve.core.access.Role;
import io.mlserve.core.json.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlserve keys create|list|revoke}: API keys with a role. A key lives twice: hashed in the keys
 * table (the authorizer reads it) and as an API Gateway key in the usage plan {@code mlserve-<role>}
 * (metering and throttling). Its value is printed once, by {@code create}, and stored nowhere.
 */
@Command(name = "keys", description = "Create, list and revoke API keys (roles predict and admin).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * What {@code keys create} prints: the only time the value is shown.
     *
     * @param name key name
     * @param role role
     * @param apiKey the key value, for the {@code x-api-key} header
     * @param apiKeyId the API Gateway key id
     */
    record CreatedOutput(String name, String role, String apiKey, String apiKeyId) {}

    /**
     * One line of {@code keys list --json}: never the value, only a hash prefix.
     *
     * @param name key name
     * @param role role
     * @param status active or revoked
     * @param createdAt when it was made (ISO-8601)
     * @param revokedAt when it was revoked (ISO-8601), or null
     * @param keyHashPrefix first characters of the key's sha256, to tell keys of one name apart
     */
    record ListedKey(String name, String role, String status, String createdAt, String revokedAt, String keyHashPrefix) {
        static ListedKey of(ApiKeyRecord key) {
            return new ListedKey(key.name(), key.role().apiName(), key.status().apiName(), key.createdAt().toString(),
                    key.revokedAt() == null ? null : key.revokedAt().toString(),
                    KeyHash.prefix(key.keyHash()));
        }
    }

    /** {@code keys create --role R --name N --keys-table T [--rest-api-id ID]}. */
    @Command(name = "create", description = "Make a key: prints {name, role, apiKey, apiKeyId} as JSON, the only time the value is shown.")
    static final class Create implements Callable<Integer> {
        private final KeyServices services;

        @Spec
        CommandSpec spec;

        @Option(names = "--role", required = true, description = "predict or admin")
        String role;

        @Option(names = "--name", required = true, description = "a unique name among active keys (letters, digits, . _ -)")
        String name;

        @Option(names = "--keys-table", required = true, description = "the keys table (stack output KeysTableName)")
        String keysTable;

        @Option(names = "--rest-api-id", description = "use the usage plans attached to this REST API (stack output RestApiId)")
        String restApiId;

        Create() {
            this(KeyServices.AWS);
        }

        Create(KeyServices services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            try {
                var created = services.open(keysTable, restApiId).create(name, Role.fromApi(role));
                var key = created.record();
                spec.commandLine().getOut().println(Json.write(
                        new CreatedOutput(key.name(), key.role().apiName(), created.value(), key.apiKeyId())));
                return 0;
            } catch (KeyConflictException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("REFUSED " + e.getMessage());
                return 2;
            }
        }
    }

    /** {@code keys list --keys-table T [--json]}. */
    @Command(name = "list", description = "List keys: name, role, status, created/revoked time. Never values or full hashes.")
    static final class ListKeys implements Callable<Integer> {
        private final KeyServices services;

        @Spec
        CommandSpec spec;

        @Option(names = "--keys-table", required = true, description = "the keys table (stack output KeysTableName)")
        String keysTable;

        @Option(names = "--json", description = "one JSON array instead of a table")
        boolean json;

        ListKeys() {
            this(KeyServices.AWS);
        }

        ListKeys(KeyServices services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            var keys = services.open(keysTable, null).list().stream().map(ListedKey::of).toList();
            var out = spec.commandLine().getOut();
            out.print(json ? Json.write(keys) + System.lineSeparator() : table(keys));
            out.flush();
            return 0;
        }

        static String table(List<ListedKey> keys) {
            var format = "%-24s %-8s %-8s %-25s %-25s %s%n";
            var text = new StringBuilder(String.format(format, "NAME", "ROLE", "STATUS", "CREATED", "REVOKED", "KEY"));
            for (var k : keys) {
                text.append(String.format(format, k.name(), k.role(), k.status(), k.createdAt(),
                        k.revokedAt() == null ? "-" : k.revokedAt(), k.keyHashPrefix() + "…"));
            }
            return text.toString();
        }
    }

    /** {@code keys revoke --name N --keys-table T}. */
    @Command(name = "revoke", description = "Revoke a key: refused by the authorizer (after its cache TTL, 30 s) and disabled in API Gateway.")
    static final class Revoke implements Callable<Integer> {
        private final KeyServices services;

        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, description = "the key's name")
        String name;

        @Option(names = "--keys-table", required = true, description = "the keys table (stack output KeysTableName)")
        String keysTable;

        Revoke() {
            this(KeyServices.AWS);
        }

        Revoke(KeyServices services) {
            this.services = services;
        }

        @Override
        public Integer call() {
            try {
                var key = services.open(keysTable, null).revoke(name);
                spec.commandLine().getOut().println("revoked " + key.name() + " (" + key.role().apiName() + ") at " + key.revokedAt()
                        + "; API Gateway key " + key.apiKeyId() + " disabled; cached authorizer answers expire within 30 s");
                return 0;
            } catch (KeyNotFoundException e) {
                spec.commandLine().getErr().println("NOT FOUND " + e.getMessage());
                return 2;
            }
        }
    }
}
