package ai.stylefarm.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the farm's consumer groups are behind, and how many records a topic holds, from the broker's offsets.
 * Shared by the scheduler's metrics and the gateway's dashboard, so both show the same numbers.
 */
public final class ConsumerLag {
    /** The consumer groups and the topics each reads. */
    public static final Map<String, List<String>> GROUPS;

    static {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put(Topics.WORKERS_GROUP, List.of(Topics.TASKS));
        groups.put(Topics.SCHEDULER_GROUP, List.of(Topics.JOBS, Topics.TASK_EVENTS));
        GROUPS = java.util.Collections.unmodifiableMap(groups);
    }

    /** Messages of {@code topic} that {@code group} has not committed yet. */
    public record Lag(String topic, String group, long messages) {
    }

    private ConsumerLag() {
    }

    /** The lag of every group in {@link #GROUPS} on each of its topics. */
    public static List<Lag> measure(Admin admin) throws Exception {
        List<Lag> lags = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : GROUPS.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.getKey())
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, Long> ends = endOffsets(admin, group.getValue());
            for (String topic : group.getValue()) {
                long behind = 0;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    if (end.getKey().topic().equals(topic)) {
                        OffsetAndMetadata at = committed.get(end.getKey());
                        behind += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
                    }
                }
                lags.add(new Lag(topic, group.getKey(), behind));
            }
        }
        return lags;
    }

    /** Records ever written to {@code topic}: the sum of its partitions' end offsets. */
    public static long records(Admin admin, String topic) throws Exception {
        return endOffsets(admin, List.of(topic)).values().stream().mapToLong(Long::longValue).sum();
    }

    public static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values().forEach(d -> d.partitions()
                .forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(request).all()
                .get(5, TimeUnit.SECONDS).entrySet()) {
            ends.put(e.getKey(), e.getValue().offset());
        }
        return ends;
    }
}
