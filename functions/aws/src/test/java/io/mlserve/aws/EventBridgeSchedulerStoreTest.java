package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.schedule.ScheduledTask;
import org.junit.jupiter.api.Test;

class EventBridgeSchedulerStoreTest {

    @Test
    void name_shouldBeKindAndModel_whenItFits() {
        assertThat(EventBridgeSchedulerStore.name(new ScheduledTask("train", "churn"))).isEqualTo("train-churn");
    }

    @Test
    void name_shouldBeCutAndHashed_whenLongerThan64_soLongNamesStayApart() {
        var a = EventBridgeSchedulerStore.name(new ScheduledTask("train", "m".repeat(63) + "a"));
        var b = EventBridgeSchedulerStore.name(new ScheduledTask("train", "m".repeat(63) + "b"));

        assertThat(a).hasSize(64).startsWith("train-" + "m".repeat(49) + "-").matches("[a-z-]{56}[0-9a-f]{8}");
        assertThat(a).isNotEqualTo(b);
        assertThat(EventBridgeSchedulerStore.name(new ScheduledTask("train", "m".repeat(58)))).hasSize(64).isEqualTo("train-" + "m".repeat(58));
    }

    @Test
    void input_shouldTellTheTargetWhatToStart() {
        assertThat(EventBridgeSchedulerStore.input(new ScheduledTask("train", "churn")))
                .isEqualTo("{\"action\":\"start\",\"kind\":\"train\",\"model\":\"churn\",\"trigger\":\"schedule\"}");
    }
}
