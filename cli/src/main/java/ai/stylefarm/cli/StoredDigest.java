package ai.stylefarm.cli;

import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.io.TarReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stored object really is, read once: its size and sha256, and for a tar shard the size and sha256 of every
 * member, which the manifest lists one by one.
 */
record StoredDigest(long bytes, String sha256, Map<String, Member> members) {

    record Member(long bytes, String sha256) {
    }

    static StoredDigest read(InputStream in, boolean tar) throws IOException {
        MessageDigest whole;
        try {
            whole = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Counting counted = new Counting(new DigestInputStream(in, whole));
        Map<String, Member> members = new LinkedHashMap<>();
        if (tar) {
            TarReader.read(counted, (name, content) -> {
                members.put(name, new Member(content.length, Hashing.sha256(content)));
                return true;
            });
        }
        counted.transferTo(OutputStream.nullOutputStream());
        return new StoredDigest(counted.count, HexFormat.of().formatHex(whole.digest()), members);
    }

    /** Counts what passes; skipped bytes are read, so that the digest sees them too. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(0, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return readNBytes((int) Math.min(n, Integer.MAX_VALUE)).length;
        }
    }
}
