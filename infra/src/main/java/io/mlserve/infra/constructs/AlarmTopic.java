package io.mlserve.infra.constructs;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The SNS topic every mlserve alarm notifies (subscribe operators to it), encrypted with its own KMS
 * key and reachable over TLS only, and a helper that adds alarms to it.
 *
 * <p>Missing data never breaches: no traffic, no failed log write, no throttle is the normal state,
 * and an alarm that goes off when a metric is absent would page on every quiet night.
 */
public final class AlarmTopic extends Construct {
    /** Default period of the alarms: one minute, the finest standard resolution. */
    public static final Duration PERIOD = Duration.minutes(1);

    private final Topic topic;

    /**
     * One alarm.
     *
     * @param description what went wrong and where to look
     * @param metric the metric (or expression) watched
     * @param threshold alarm when the statistic is at or above this
     * @param evaluationPeriods periods looked at
     * @param datapointsToAlarm of those, how many must breach
     */
    public record Spec(String description, IMetric metric, double threshold, int evaluationPeriods, int datapointsToAlarm) {
        /**
         * @param description what went wrong
         * @param metric the metric watched
         * @param threshold alarm at or above this, in one period
         * @return an alarm on a single breaching period
         */
        public static Spec once(String description, IMetric metric, double threshold) {
            return new Spec(description, metric, threshold, 1, 1);
        }
    }

    /**
     * @param scope parent
     * @param id construct id
     * @param removal what deleting the stack does to the key (destroy: scheduled for deletion)
     */
    public AlarmTopic(Construct scope, String id, RemovalPolicy removal) {
        super(scope, id);
        // A customer-managed key: CloudWatch cannot publish to a topic encrypted with the AWS-managed
        // alias/aws/sns key (its key policy cannot grant the CloudWatch service principal).
        var key = Key.Builder.create(this, "Key")
                .description("mlserve alarm topic encryption")
                .enableKeyRotation(true)
                .removalPolicy(removal)
                .build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarmsToPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*")) // in a key policy, "*" is this key
                .build());
        topic = Topic.Builder.create(this, "Topic")
                .displayName("mlserve alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
    }

    /**
     * Adds an alarm that notifies this topic when it goes off (not when it clears: recoveries are in
     * the alarm history).
     *
     * @param id construct id
     * @param spec the alarm
     * @return the alarm
     */
    public Alarm alarm(String id, Spec spec) {
        var alarm = Alarm.Builder.create(this, id)
                .alarmDescription(spec.description())
                .metric(spec.metric())
                .threshold(spec.threshold())
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(spec.evaluationPeriods())
                .datapointsToAlarm(spec.datapointsToAlarm())
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
        return alarm;
    }

    /** @return the topic */
    public Topic topic() {
        return topic;
    }
}
