package dev.lora.io;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for huggingface.co on 127.0.0.1, with its URL layout and headers: small files answer
 * {@code /<repo>/resolve/main/<file>} directly (ETag, X-Repo-Commit); large ("LFS") files redirect to a
 * CDN path with X-Linked-Etag and X-Linked-Size, as the real hub does. It can cut a body short.
 */
final class FakeHub implements AutoCloseable {
    /** How the CDN sends a body. */
    enum Delivery { WHOLE, CUT_WITH_CONTENT_LENGTH, CUT_CHUNKED }

    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> lfs = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    final List<String> paths = new CopyOnWriteArrayList<>();
    volatile Delivery delivery = Delivery.WHOLE;

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A regular (git) file, answered directly. */
    FakeHub file(String repo, String name, String content) {
        files.put("/" + repo + "/resolve/main/" + name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A large (LFS) file, answered by a redirect to the CDN. */
    FakeHub lfsFile(String repo, String name, byte[] content) {
        String sha = sha256(content);
        files.put("/cdn/" + sha, content);
        lfs.put("/" + repo + "/resolve/main/" + name, sha);
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        paths.add(path);
        String sha = lfs.get(path);
        if (sha != null) {
            exchange.getResponseHeaders().add("X-Repo-Commit", COMMIT);
            exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
            if (delivery != Delivery.CUT_CHUNKED) {  // leaves the client only the broken chunked stream to notice
                exchange.getResponseHeaders().add("X-Linked-Size", String.valueOf(files.get("/cdn/" + sha).length));
            }
            exchange.getResponseHeaders().add("Location", "/cdn/" + sha);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        byte[] body = files.get(path);
        if (body == null) {
            exchange.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        if (path.startsWith("/cdn/")) {
            send(exchange, body);
        } else {
            exchange.getResponseHeaders().add("X-Repo-Commit", COMMIT);
            exchange.getResponseHeaders().add("ETag", "\"" + sha256(body).substring(0, 40) + "\"");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private static final class CutShort extends IOException {
        CutShort() {
            super("fake hub cuts the download short");
        }
    }

    private void send(HttpExchange exchange, byte[] body) throws IOException {
        Delivery how = delivery;
        exchange.sendResponseHeaders(200, how == Delivery.CUT_CHUNKED ? 0 : body.length);
        OutputStream out = exchange.getResponseBody();
        if (how == Delivery.WHOLE) {
            out.write(body);
            return;
        }
        out.write(body, 0, body.length / 2);
        out.flush();
        // Leaving without closing the exchange makes the server drop the connection, as a network cut would.
        throw new CutShort();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
