package ai.stylefarm.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Picks free TCP ports on 127.0.0.1 for servers that cannot report the port they bound themselves. */
public final class FreePorts {

    private FreePorts() {
    }

    /** {@code configured} when it is positive, otherwise a free port. */
    public static int orFree(int configured) {
        return configured > 0 ? configured : pick(1)[0];
    }

    /**
     * Distinct free ports. All sockets stay open until every port is chosen, so the kernel cannot hand
     * out the same ephemeral port twice; another process can still take one before it is used, which is
     * the accepted cost of servers (Kafka, PostgreSQL) that must be told their port up front.
     */
    public static int[] pick(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing a listening socket we never used cannot lose anything.
                }
            }
        }
    }
}
