package ai.stylefarm.modelkit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the ustar archives the worker's shards are (and WebDataset's), member by member, from a stream: a 512-byte
 * header (name, size, type), the content padded to 512 bytes, two zero blocks at the end.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    /** Members are samples (an image, its JSON, its latents): far below this. */
    private static final long MAX_MEMBER_BYTES = 1L << 30;

    /** Receives each regular file's name and content; returns whether to read on. */
    @FunctionalInterface
    public interface Member {
        boolean accept(String name, byte[] content) throws IOException;
    }

    private TarReader() {
    }

    public static void read(InputStream in, Member member) throws IOException {
        byte[] header = new byte[BLOCK];
        while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            String octal = field(header, 124, 12).trim();
            long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            if (size < 0 || size > MAX_MEMBER_BYTES) {
                throw new IOException("tar member " + name + " claims " + size + " bytes");
            }
            byte[] content = in.readNBytes((int) size);
            if (content.length != size) {
                throw new IOException("the tar ends inside member " + name);
            }
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            if ((header[156] == '0' || header[156] == 0)
                    && !member.accept(prefix.isEmpty() ? name : prefix + "/" + name, content)) {
                return;
            }
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
