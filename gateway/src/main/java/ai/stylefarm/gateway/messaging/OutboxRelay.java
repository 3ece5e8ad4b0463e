package ai.stylefarm.gateway.messaging;

import ai.stylefarm.domain.lease.Leadership;
import ai.stylefarm.domain.messaging.KafkaClients;
import ai.stylefarm.domain.outbox.Outbox;
import ai.stylefarm.gateway.config.GatewayConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * The transactional outbox: rows written with the state they announce are published to Kafka here, in id order,
 * and marked published in the same transaction that locked them. A crash between the send and the commit
 * publishes a row twice, which consumers absorb (they key on the job id). While Kafka is down the rows wait, and
 * the relay retries with back-off; {@link #nudge()} wakes it right after a commit, so latency stays low. With
 * several gateways one relay publishes at a time (a {@link Leadership} lease), so batches never interleave; the
 * others take over within a poll interval when it goes.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Outbox outbox;
    private final GatewayConfig config;
    private final Leadership leadership;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private KafkaProducer<String, byte[]> producer;

    public OutboxRelay(Outbox outbox, GatewayConfig config, AgroalDataSource db) {
        this.outbox = outbox;
        this.config = config;
        this.leadership = new Leadership(db, "outbox-relay", System.getenv().getOrDefault("HOSTNAME", "gateway") + "/"
                + ProcessHandle.current().pid());
    }

    /** Publish soon: something was just committed. */
    public void nudge() {
        wakeUp.release();
    }

    void start(@Observes StartupEvent event) {
        producer = new KafkaProducer<>(KafkaClients.producer(config.kafka().bootstrap(), "gateway-outbox"));
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        nudge();
        if (thread != null) {
            thread.join(10_000);
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        leadership.close();
    }

    private void run() {
        Duration backoff = Duration.ofMillis(200);
        while (running) {
            try {
                if (!leadership.holds()) {
                    wakeUp.tryAcquire(config.outbox().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                    continue;
                }
                int published = publishBatch();
                backoff = Duration.ofMillis(200);
                if (published < config.outbox().batchSize()) {
                    wakeUp.tryAcquire(config.outbox().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warnf("Outbox relay could not publish (retrying in %d ms): %s", backoff.toMillis(), e.getMessage());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** @return the number of rows published */
    int publishBatch() throws Exception {
        try (Outbox.Batch batch = outbox.lockUnpublished(config.outbox().batchSize())) {
            if (batch.messages().isEmpty()) {
                return 0;
            }
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Outbox.Message m : batch.messages()) {
                sends.add(producer.send(new ProducerRecord<>(m.topic(), m.key(), m.payload())));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
            batch.markPublished();
            LOG.debugf("Published %d outbox messages", sends.size());
            return sends.size();
        }
    }
}
