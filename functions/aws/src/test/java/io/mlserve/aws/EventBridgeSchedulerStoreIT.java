package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.schedule.ScheduledTask;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;

/** Training schedules against the emulator's EventBridge Scheduler (e2e phase): create, update, read, delete, delete again. */
class EventBridgeSchedulerStoreIT {
    private static final String GROUP = "tmp-schedules-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String TRAIN_ARN = "arn:aws:lambda:us-east-1:000000000000:function:train";
    private static final String ROLE_ARN = "arn:aws:iam::000000000000:role/scheduler";
    private static SchedulerClient scheduler;
    private static EventBridgeSchedulerStore store;

    @BeforeAll
    static void createGroup() {
        scheduler = SchedulerClient.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        scheduler.createScheduleGroup(b -> b.name(GROUP));
        store = new EventBridgeSchedulerStore(scheduler, GROUP, Map.of(ScheduledTask.TRAIN, TRAIN_ARN), ROLE_ARN);
    }

    @AfterAll
    static void dropGroup() {
        if (scheduler != null) {
            scheduler.deleteScheduleGroup(b -> b.name(GROUP));
            scheduler.close();
        }
    }

    @Test
    void put_shouldCreateThenUpdate_andDeleteShouldBeIdempotent() {
        var task = new ScheduledTask(ScheduledTask.TRAIN, "churn");

        // create
        store.put(task, "rate(1 day)");
        assertThat(store.expression(task)).contains("rate(1 day)");
        var created = scheduler.getSchedule(b -> b.groupName(GROUP).name("train-churn"));
        assertThat(created.target().arn()).isEqualTo(TRAIN_ARN);
        assertThat(created.target().roleArn()).isEqualTo(ROLE_ARN);
        assertThat(created.target().input()).isEqualTo("{\"action\":\"start\",\"kind\":\"train\",\"model\":\"churn\",\"trigger\":\"schedule\"}");
        assertThat(created.flexibleTimeWindow().mode()).isEqualTo(FlexibleTimeWindowMode.OFF);

        // update (the name exists)
        store.put(task, "cron(0 3 * * ? *)");
        assertThat(store.expression(task)).contains("cron(0 3 * * ? *)");

        // delete, twice
        store.delete(task);
        assertThat(store.expression(task)).isEmpty();
        store.delete(task);
    }

    @Test
    void expression_shouldBeEmpty_whenNoScheduleExists() {
        assertThat(store.expression(new ScheduledTask(ScheduledTask.TRAIN, "never-scheduled"))).isEmpty();
    }
}
