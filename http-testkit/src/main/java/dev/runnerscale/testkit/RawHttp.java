package dev.runnerscale.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP/1.1 over a plain keep-alive socket, for requests no HTTP client would send: the method and request target go
 * out byte for byte (ISO-8859-1), never normalised or re-encoded, so {@code /admin;x/tokens}, {@code /%61dmin},
 * {@code /a/../b} or a raw NUL reach the server as written. Reads the whole answer: status, headers and body.
 */
public final class RawHttp implements Closeable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;
    private @Nullable Socket socket;
    private @Nullable OutputStream out;
    private @Nullable InputStream in;

    public RawHttp(int port) {
        this.port = port;
    }

    /** One answer; header names in lower case. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public @Nullable String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        /** An RFC 9457 problem detail whose {@code status} member is the HTTP status. */
        public boolean isProblem() {
            String contentType = header("content-type");
            if (contentType == null || !contentType.startsWith("application/problem+json")) {
                return false;
            }
            try {
                return json().path("status").asInt() == status;
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            String text = text();
            return status + " " + header("content-type") + " " + (text.length() > 300 ? text.substring(0, 300) : text);
        }
    }

    /**
     * Sends one request and reads its answer. {@code headers} are sent as given (name, value pairs); with a body,
     * Content-Length is added. A connection the server closed is reopened once.
     */
    public Response send(String method, String target, List<String[]> headers, byte @Nullable [] body) {
        byte[] head = head(method, target, headers, body);
        try {
            return exchange(method, head, body);
        } catch (IOException first) {
            close();
            try {
                return exchange(method, head, body);
            } catch (IOException second) {
                close();
                throw new UncheckedIOException(method + " " + target + ": no answer", second);
            }
        }
    }

    public Response send(String method, String target) {
        return send(method, target, List.of(), null);
    }

    private byte[] head(String method, String target, List<String[]> headers, byte @Nullable [] body) {
        StringBuilder head = new StringBuilder(256)
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: localhost:")
                .append(port)
                .append("\r\n");
        for (String[] header : headers) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private Response exchange(String method, byte[] head, byte @Nullable [] body) throws IOException {
        if (socket == null) {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
        }
        out.write(head);
        if (body != null) {
            out.write(body);
        }
        out.flush();
        return read(method);
    }

    private Response read(String method) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || status < 200;
        String length = first(headers, "content-length");
        String encoding = first(headers, "transfer-encoding");
        if (!noBody && encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            int size;
            while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (!noBody && length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if (!noBody) {
            // Neither length nor chunks: the body runs until the server closes the connection.
            body.write(in.readAllBytes());
            close();
        }
        String connection = first(headers, "connection");
        if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
            close();
        }
        return new Response(status, headers, body.toByteArray());
    }

    private static @Nullable String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("Connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket the server already closed
            }
            socket = null;
        }
    }
}
