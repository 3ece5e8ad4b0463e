package ai.stylefarm.infra;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Sensible levels when logback is the logging back end and nobody configured it: logback's default is
 * DEBUG for everything, which buries a console under Jetty and Kafka client chatter. Does nothing under
 * any other back end (a Quarkus application that excluded logback, say).
 */
final class Logging {

    private Logging() {
    }

    /** Sets WARN on loggers that have no level of their own, when logback is the back end. */
    static void quietUnlessConfigured(String... loggerNames) {
        if (isLogback()) {
            Logback.quiet(loggerNames);
        }
    }

    /** For {@link StackMain}: INFO overall and WARN for chatty libraries, unless a logback config exists. */
    static void consoleDefaults() {
        if (isLogback() && !logbackConfigured()) {
            Logback.consoleDefaults();
        }
    }

    /** Runs {@code action} with the named logger switched off, when logback is the back end. */
    static <E extends Exception> void silenced(String loggerName, ThrowingRunnable<E> action) throws E {
        if (!isLogback()) {
            action.run();
            return;
        }
        Object previous = Logback.switchOff(loggerName);
        try {
            action.run();
        } finally {
            Logback.restore(loggerName, previous);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable<E extends Exception> {
        void run() throws E;
    }

    private static boolean isLogback() {
        try {
            return LoggerFactory.getILoggerFactory().getClass().getName().equals("ch.qos.logback.classic.LoggerContext");
        } catch (LinkageError e) {
            return false;
        }
    }

    private static boolean logbackConfigured() {
        ClassLoader loader = Logging.class.getClassLoader();
        return System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback.xml") != null
                || loader.getResource("logback-test.xml") != null;
    }

    /** Kept apart so that logback's classes are loaded only once logback is known to be present. */
    private static final class Logback {

        static void quiet(String... loggerNames) {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            for (String name : loggerNames) {
                ch.qos.logback.classic.Logger logger = context.getLogger(name);
                if (logger.getLevel() == null) {
                    logger.setLevel(Level.WARN);
                }
            }
        }

        static Object switchOff(String name) {
            ch.qos.logback.classic.Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(name);
            Level previous = logger.getLevel();
            logger.setLevel(Level.OFF);
            return previous;
        }

        static void restore(String name, Object previous) {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(name).setLevel((Level) previous);
        }

        static void consoleDefaults() {
            LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            quiet("org.gaul", "io.zonky", "org.apache.kafka");
        }
    }
}
