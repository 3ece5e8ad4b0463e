package ai.stylefarm.cli.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The supervisor's control endpoint on 127.0.0.1: {@code POST /restart?component=...} restarts one part of the
 * running farm, so an operator (or a fault test) can bring back what a crash or a kill -9 took down. Its token is
 * in the owner-only {@code farm.json}, so only the farm's owner can use it. One request at a time.
 */
public final class FarmControl implements AutoCloseable {
    private final HttpServer server;
    private final String token;

    private FarmControl(HttpServer server, String token) {
        this.server = server;
        this.token = token;
    }

    public static FarmControl start(LocalFarm farm) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FarmControl control = new FarmControl(server, token);
            server.createContext("/restart", exchange -> control.restart(exchange, farm));
            server.createContext("/workers", exchange -> control.resize(exchange, farm));
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "farm-control");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return control;
        } catch (IOException e) {
            throw new IllegalStateException("could not open the farm's control endpoint: " + e.getMessage(), e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    /** {@code POST /workers?count=N}: the farm runs N workers from now on. */
    private void resize(HttpExchange exchange, LocalFarm farm) throws IOException {
        try (exchange) {
            if (!authorised(exchange)) {
                return;
            }
            String count = query(exchange.getRequestURI().getRawQuery()).get("count");
            try {
                if (count == null || !count.matches("[0-9]{1,3}")) {
                    throw new IllegalArgumentException("count must be a number of workers");
                }
                int now = Integer.parseInt(count);
                int before = farm.resizeWorkers(now);
                reply(exchange, 200, "workers: " + before + " -> " + now);
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, e.getMessage());
            } catch (RuntimeException e) {
                reply(exchange, 500, "resizing failed: " + e.getMessage());
            }
        }
    }

    /** A POST with the farm's token; anything else is answered here. */
    private boolean authorised(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, "POST only");
            return false;
        }
        String given = exchange.getRequestHeaders().getFirst("X-Farm-Token");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8))) {
            reply(exchange, 401, "a valid X-Farm-Token is required");
            return false;
        }
        return true;
    }

    private void restart(HttpExchange exchange, LocalFarm farm) throws IOException {
        try (exchange) {
            if (!authorised(exchange)) {
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            try {
                LocalFarm.Component component = LocalFarm.Component.parse(query.get("component"));
                int index = query.containsKey("index") ? Integer.parseInt(query.get("index")) : 0;
                long began = System.nanoTime();
                farm.restart(component, index);
                reply(exchange, 200, component.describe(index) + " restarted in "
                        + (System.nanoTime() - began) / 1_000_000 + " ms");
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, e.getMessage());
            } catch (RuntimeException e) {
                reply(exchange, 500, "restart failed: " + e.getMessage());
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
