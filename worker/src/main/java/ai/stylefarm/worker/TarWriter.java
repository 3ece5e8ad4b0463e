package ai.stylefarm.worker;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A POSIX ustar archive, as WebDataset reads it. Every header field that could vary (time, owner) is fixed, so
 * the same samples always make the same bytes: a re-run task writes an identical shard, with the same sha256.
 */
final class TarWriter implements AutoCloseable {
    private static final int BLOCK = 512;
    /** ustar's name field; sample names here are short ({@code seed00000001.png}). */
    private static final int MAX_NAME = 100;

    private final OutputStream out;
    private long written;

    TarWriter(Path file) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    void add(String name, byte[] content) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length > MAX_NAME) {
            throw new IllegalArgumentException("tar member name longer than " + MAX_NAME + " bytes: " + name);
        }
        byte[] header = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        octal(header, 100, 8, 0644);          // mode
        octal(header, 108, 8, 0);             // uid
        octal(header, 116, 8, 0);             // gid
        octal(header, 124, 12, content.length);
        octal(header, 136, 12, 0);            // mtime: fixed, for reproducible shards
        Arrays.fill(header, 148, 156, (byte) ' '); // checksum is computed over spaces here
        header[156] = '0';                    // regular file
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 257, magic.length);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        header[155] = ' ';
        write(header);
        write(content);
        int pad = (int) ((BLOCK - content.length % BLOCK) % BLOCK);
        write(new byte[pad]);
    }

    long bytesWritten() {
        return written;
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    /** {@code width - 1} octal digits, zero-padded, then NUL. */
    private static void octal(byte[] header, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, width - 1 - digits.length())) + digits;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, width - 1);
        header[offset + width - 1] = 0;
    }

    /** Two zero blocks end the archive. */
    @Override
    public void close() throws IOException {
        try (out) {
            write(new byte[2 * BLOCK]);
        }
    }
}
