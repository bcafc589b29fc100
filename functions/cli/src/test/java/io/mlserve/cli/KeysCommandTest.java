package io.mlserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.access.AccessPolicy;
import io.mlserve.core.access.KeyHash;
import io.mlserve.core.access.KeyService;
import io.mlserve.core.access.KeyStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.testing.InMemoryKeyStore;
import io.mlserve.core.testing.InMemoryUsagePlanKeys;
import io.mlserve.core.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The keys subcommands over an in-memory keys table and gateway: output, exit codes, refusals. */
class KeysCommandTest {
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final InMemoryUsagePlanKeys gateway = new InMemoryUsagePlanKeys();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final KeyServices services = (table, restApiId) -> new KeyService(store, gateway, new SecureRandom(), clock);

    /** Exit code and what went to stdout and stderr. */
    private record Run(int exit, String out, String err) {}

    private static Run run(Callable<Integer> command, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run create(String... args) {
        return run(new KeysCommand.Create(services), args);
    }

    @Test
    void create_shouldPrintNameRoleValueAndGatewayId_asJson() throws Exception {
        var run = create("--role", "predict", "--name", "app", "--keys-table", "keys");

        assertThat(run.exit()).isZero();
        JsonNode json = Json.MAPPER.readTree(run.out());
        assertThat(json.get("name").asText()).isEqualTo("app");
        assertThat(json.get("role").asText()).isEqualTo("predict");
        assertThat(json.get("apiKey").asText()).matches("[0-9A-Za-z]{40,}");
        assertThat(json.get("apiKeyId").asText()).isEqualTo("key1");
        // the printed value is the one that opens the API, and only its hash is stored
        assertThat(new AccessPolicy(store).decide(json.get("apiKey").asText())).isEqualTo(new AccessPolicy.Allowed(
                io.mlserve.core.access.Role.PREDICT, "app"));
        assertThat(store.findByName("app").orElseThrow().keyHash()).isEqualTo(KeyHash.of(json.get("apiKey").asText()));
    }

    @Test
    void create_shouldRefuseWithExit2_whenAnActiveKeyHasTheName() {
        create("--role", "admin", "--name", "ops", "--keys-table", "keys");

        var again = create("--role", "predict", "--name", "ops", "--keys-table", "keys");

        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).contains("REFUSED").contains("ops");
        assertThat(store.list()).hasSize(1);
        assertThat(gateway.keys()).hasSize(1);
    }

    @Test
    void create_shouldRefuse_whenTheRoleIsUnknownOrPublic() {
        assertThat(create("--role", "root", "--name", "x", "--keys-table", "keys").exit()).isEqualTo(2);
        assertThat(create("--role", "public", "--name", "x", "--keys-table", "keys").exit()).isEqualTo(2);
        assertThat(create("--name", "x", "--keys-table", "keys").exit()).isEqualTo(2); // picocli: missing --role
        assertThat(store.list()).isEmpty();
    }

    @Test
    void list_shouldShowNamesRolesAndStatus_neverValuesOrFullHashes() throws Exception {
        // GIVEN two keys, one revoked
        var predictValue = Json.MAPPER.readTree(create("--role", "predict", "--name", "app", "--keys-table", "k").out())
                .get("apiKey").asText();
        clock.advance(Duration.ofMinutes(1));
        var adminValue = Json.MAPPER.readTree(create("--role", "admin", "--name", "ops", "--keys-table", "k").out())
                .get("apiKey").asText();
        run(new KeysCommand.Revoke(services), "--name", "ops", "--keys-table", "k");

        // WHEN listed as a table and as JSON
        var table = run(new KeysCommand.ListKeys(services), "--keys-table", "k");
        var json = run(new KeysCommand.ListKeys(services), "--keys-table", "k", "--json");

        // THEN
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out()).contains("app").contains("predict").contains("active").contains("ops").contains("revoked")
                .contains("2026-11-24T10:00:00Z");
        var listed = Json.MAPPER.readTree(json.out());
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).get("name").asText()).isEqualTo("app");
        assertThat(listed.get(1).get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get(1).get("keyHashPrefix").asText()).hasSize(8);
        for (var value : new String[] {predictValue, adminValue}) {
            assertThat(table.out() + json.out()).doesNotContain(value).doesNotContain(KeyHash.of(value));
        }
    }

    @Test
    void revoke_shouldRevokeAndDisableTheGatewayKey_andExit2ForAnUnknownName() {
        create("--role", "admin", "--name", "ops", "--keys-table", "keys");

        var run = run(new KeysCommand.Revoke(services), "--name", "ops", "--keys-table", "keys");
        var unknown = run(new KeysCommand.Revoke(services), "--name", "ghost", "--keys-table", "keys");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("revoked ops");
        assertThat(store.findByName("ops").orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(gateway.keys().get("key1").enabled()).isFalse();
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("ghost");
    }

    @Test
    void keys_shouldBeASubcommandOfMlserve() {
        var spec = new CommandLine(MlServeCli.class).getSubcommands().get("keys");

        assertThat(spec).isNotNull();
        assertThat(spec.getSubcommands()).containsOnlyKeys("create", "list", "revoke");
    }
}
