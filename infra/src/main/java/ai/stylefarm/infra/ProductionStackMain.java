package ai.stylefarm.infra;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The production shape's Kafka and S3 for {@code infra/production/up.sh}, in the foreground until SIGTERM: a
 * three-node KRaft cluster (each node a child JVM, topics replicated three times, min.insync.replicas 2) advertised
 * at {@code --host}, and s3proxy listening on every interface. Prints the endpoints as shell assignments.
 *
 * <pre>java -cp ... ai.stylefarm.infra.ProductionStackMain --dir DIR --host 10.77.0.1</pre>
 */
public final class ProductionStackMain {
    private static final Map<String, Integer> TOPICS = Map.of("stylefarm.jobs.v1", 4, "stylefarm.tasks.v1", 12,
            "stylefarm.task-events.v1", 4, "stylefarm.dlq.v1", 1);

    private ProductionStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Logging.consoleDefaults();
        Path dir = null;
        String host = null;
        int s3Port = 9000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--host" -> host = args[i + 1];
                case "--s3-port" -> s3Port = Integer.parseInt(args[i + 1]);
                default -> usage();
            }
        }
        if (dir == null || host == null) {
            usage();
        }
        KafkaCluster kafka = new KafkaCluster(dir.resolve("kafka"), 3, host);
        kafka.start();
        kafka.createTopics(TOPICS);
        S3Server s3 = new S3Server(dir.resolve("s3"), s3Port, "stylefarm", "stylefarm-secret", "stylefarm", "0.0.0.0");
        s3.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s3.close();
            kafka.close();
            stopped.countDown();
        }, "production-stack-shutdown"));
        System.out.println("KAFKA_BOOTSTRAP=" + kafka.bootstrapServers());
        for (int i = 0; i < kafka.nodes().size(); i++) {
            System.out.println("KAFKA_NODE_" + (i + 1) + "_PID=" + kafka.nodes().get(i).pid().orElse(-1));
        }
        System.out.println("S3_ENDPOINT=http://" + host + ":" + s3.port());
        System.out.println("READY=1");
        System.out.flush();
        stopped.await();
    }

    private static void usage() {
        System.err.println("usage: ProductionStackMain --dir DIR --host ADDRESS [--s3-port 9000]");
        System.exit(2);
    }
}
