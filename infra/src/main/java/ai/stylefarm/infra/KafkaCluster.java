package ai.stylefarm.infra;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * Kafka as production runs it: {@code size} KRaft nodes (each broker and controller, a child JVM of its own on
 * 127.0.0.1), topics replicated to every node with {@code min.insync.replicas} {@value #MIN_INSYNC}, so that with
 * producers at {@code acks=all} a committed message survives any one node and the cluster keeps taking writes
 * while one node is down. Each node keeps its ports and data across {@link KafkaBroker#kill()} and
 * {@link KafkaBroker#start()}, so a fault test can take one away and bring it back.
 */
public final class KafkaCluster implements AutoCloseable {
    public static final int MIN_INSYNC = 2;

    private final List<KafkaBroker> nodes = new ArrayList<>();
    private final String advertisedHost;

    /** {@code size} nodes under {@code dir}/node-N; 3 is the production shape (2 keeps no majority through a loss). */
    public KafkaCluster(Path dir, int size) {
        this(dir, size, "127.0.0.1");
    }

    /**
     * As above, clients reaching the nodes at {@code advertisedHost} (an address on a bridge that other network
     * namespaces route to, say); the nodes listen on every interface, and controllers talk over 127.0.0.1.
     */
    public KafkaCluster(Path dir, int size, String advertisedHost) {
        this.advertisedHost = advertisedHost;
        if (size < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 nodes, not " + size);
        }
        int[] ports = FreePorts.pick(2 * size);
        String voters = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + ports[2 * i + 1]).collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        String replicas = Integer.toString(size);
        String minIsr = Integer.toString(MIN_INSYNC);
        for (int i = 0; i < size; i++) {
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("node.id", Integer.toString(i + 1));
            overrides.put("controller.quorum.voters", voters);
            overrides.put("default.replication.factor", replicas);
            overrides.put("min.insync.replicas", minIsr);
            overrides.put("offsets.topic.replication.factor", replicas);
            overrides.put("transaction.state.log.replication.factor", replicas);
            overrides.put("transaction.state.log.min.isr", minIsr);
            overrides.put("share.coordinator.state.topic.replication.factor", replicas);
            overrides.put("share.coordinator.state.topic.min.isr", minIsr);
            if (!advertisedHost.equals("127.0.0.1")) {
                overrides.put("listeners", "PLAINTEXT://0.0.0.0:" + ports[2 * i] + ",CONTROLLER://127.0.0.1:"
                        + ports[2 * i + 1]);
                overrides.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + ports[2 * i]);
            }
            // A dead node's partitions move to a live leader within a few seconds, not the default 18.
            overrides.put("broker.session.timeout.ms", "6000");
            nodes.add(new KafkaBroker(dir.resolve("node-" + (i + 1)), ports[2 * i], ports[2 * i + 1], overrides,
                    clusterId));
        }
    }

    /** Starts every node at once: none is ready until a majority of the controllers is up. */
    public void start() {
        List<Thread> starts = new ArrayList<>();
        List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (KafkaBroker node : nodes) {
            Thread t = new Thread(() -> {
                try {
                    node.start();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "start-" + node.directory().getFileName());
            t.start();
            starts.add(t);
        }
        for (Thread t : starts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Kafka", e);
            }
        }
        if (!failures.isEmpty()) {
            close();
            throw failures.get(0);
        }
    }

    /** Every node: a client finds the cluster through any that is up. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> advertisedHost + ":" + n.port()).collect(Collectors.joining(","));
    }

    public List<KafkaBroker> nodes() {
        return List.copyOf(nodes);
    }

    /** Topics replicated to every node, {@code min.insync.replicas} {@value #MIN_INSYNC}. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) nodes.size())
                        .configs(Map.of("min.insync.replicas", Integer.toString(MIN_INSYNC))))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            TopicCreation.create(admin, topics);
        }
    }

    /** Stops every node at once: one by one, the last would wait for a quorum that has already gone. */
    @Override
    public void close() {
        List<Thread> stops = new ArrayList<>();
        for (KafkaBroker node : nodes) {
            Thread t = new Thread(node::close, "stop-" + node.directory().getFileName());
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
