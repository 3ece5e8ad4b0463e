package ai.stylefarm.scheduler.messaging;

import ai.stylefarm.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Who is in the workers' consumer group and which task partitions each one owns, from the broker, refreshed every
 * few seconds. The releaser sizes its window by the number of workers and sends each task to a partition of the
 * least-loaded worker, and a retry away from the worker that failed it.
 */
public final class WorkerGroup implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkerGroup.class);
    private static final Duration REFRESH = Duration.ofSeconds(2);

    /** A worker (its client id is its worker id) and the {@link Topics#TASKS} partitions it consumes. */
    public record Member(String workerId, Set<Integer> partitions) {
    }

    private final Admin admin;
    private List<Member> members = List.of();
    private Instant refreshedAt = Instant.EPOCH;

    public WorkerGroup(Admin admin) {
        this.admin = admin;
    }

    /** The members that own at least one task partition; empty when the group cannot be described. */
    public synchronized List<Member> members() {
        if (Instant.now().isAfter(refreshedAt.plus(REFRESH))) {
            refreshedAt = Instant.now();
            try {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Topics.WORKERS_GROUP))
                        .describedGroups().get(Topics.WORKERS_GROUP).get(2, TimeUnit.SECONDS);
                Map<String, Set<Integer>> owned = new HashMap<>();
                for (MemberDescription m : group.members()) {
                    Set<Integer> partitions = m.assignment().topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(Topics.TASKS)).map(TopicPartition::partition)
                            .collect(Collectors.toCollection(TreeSet::new));
                    if (!partitions.isEmpty()) {
                        owned.computeIfAbsent(m.clientId(), k -> new TreeSet<>()).addAll(partitions);
                    }
                }
                members = owned.entrySet().stream().map(e -> new Member(e.getKey(), Set.copyOf(e.getValue())))
                        .sorted(java.util.Comparator.comparing(Member::workerId)).toList();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debugf("Cannot describe the workers' group: %s", e.getMessage());
                members = List.of();
            }
        }
        return members;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
