package ai.stylefarm.cli.local;

import ai.stylefarm.infra.StackConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link LocalFarm} starts.
 *
 * @param home the repository root, where {@code gateway/target/quarkus-app} and {@code scheduler/...} are built
 * @param gatewayPort 0 for a free port
 * @param workers worker JVMs to start
 * @param serviceSettings extra {@code stylefarm.*} settings for every service (e.g. {@code scheduler.seeds-per-task})
 */
public record LocalFarmConfig(Path home, StackConfig stack, int gatewayPort, int schedulerPort, int workers,
                              Map<String, String> serviceSettings) {

    public LocalFarmConfig {
        serviceSettings = Map.copyOf(serviceSettings);
    }

    /**
     * The farm {@code ./farm up} starts: the stack under {@code dataDir}, one worker, the gateway on 8080 (or
     * {@code STYLEFARM_GATEWAY_PORT}) when that port is free and on a free port otherwise, everything else on free
     * ports.
     */
    public static LocalFarmConfig defaults(Path dataDir) {
        String configured = System.getProperty("stylefarm.gateway.port", System.getenv("STYLEFARM_GATEWAY_PORT"));
        int gatewayPort = configured != null && !configured.isBlank() ? Integer.parseInt(configured.strip())
                : isFree(DEFAULT_GATEWAY_PORT) ? DEFAULT_GATEWAY_PORT : 0;
        return new LocalFarmConfig(findHome(), StackConfig.fromEnvironment().withDataDir(dataDir), gatewayPort, 0, 1,
                Map.of());
    }

    private static final int DEFAULT_GATEWAY_PORT = 8080;

    private static boolean isFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (java.io.IOException taken) {
            return false;
        }
    }

    public Path dataDir() {
        return stack.dataDir();
    }

    public LocalFarmConfig withWorkers(int count) {
        return new LocalFarmConfig(home, stack, gatewayPort, schedulerPort, count, serviceSettings);
    }

    public LocalFarmConfig withSetting(String name, String value) {
        Map<String, String> settings = new LinkedHashMap<>(serviceSettings);
        settings.put(name, value);
        return new LocalFarmConfig(home, stack, gatewayPort, schedulerPort, workers, settings);
    }

    /**
     * The repository root: {@code stylefarm.home} if set (the {@code farm} script sets it), else the nearest
     * directory at or above the working directory that has {@code gateway/pom.xml}.
     */
    public static Path findHome() {
        String configured = System.getProperty("stylefarm.home");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("gateway").resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the StyleFarm checkout: run from inside it, or set -Dstylefarm.home");
    }
}
