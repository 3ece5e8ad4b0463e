package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.io.Hashing;
import ai.stylefarm.modelkit.stylegan.StyleGan2;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises a model file by its content (not its name) and imports it with the matching importer. */
public final class Importers {
    private static final int PICKLE_PROTO = 0x80;

    private Importers() {}

    public static ImportedGenerator importFile(Path file) {
        String what = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw new ModelImportException(file + ": no such file");
        }
        byte[] head = head(file, 64);
        if (head.length == 0) {
            throw new ModelImportException(what + ": the file is empty");
        }
        ImportedGenerator g = read(file, what, head);
        try {
            new StyleGan2(g.config(), g.weights()); // checks every weight the graphs will use against the config
        } catch (ModelImportException e) {
            throw new ModelImportException(what + ": " + e.getMessage(), e);
        }
        return g;
    }

    private static ImportedGenerator read(Path file, String what, byte[] head) {
        String sha256 = Hashing.sha256(file);
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return RosinalityImporter.readZip(file, sha256);
        }
        if ((head[0] & 0xff) == PICKLE_PROTO) {
            return isLegacyTorchSave(head) ? RosinalityImporter.readLegacy(file, sha256)
                    : NvidiaPickleImporter.read(file, sha256);
        }
        String start = new String(head, 0, Math.min(head.length, 16), StandardCharsets.ISO_8859_1);
        throw new ModelImportException(what + ": unrecognised model file (starts with "
                + start.replaceAll("[^\\x20-\\x7e]", ".") + "). Supported: NVIDIA network pickles "
                + "(network-snapshot-*.pkl from stylegan2-ada-pytorch or stylegan3's StyleGAN2 config) and rosinality "
                + "stylegan2-pytorch checkpoints (.pt)");
    }

    /** torch.save's legacy format opens with a pickle of the magic number: PROTO 2, LONG1 of 10 bytes. */
    private static boolean isLegacyTorchSave(byte[] head) {
        if (head.length < 15 || head[2] != (byte) 0x8a || head[3] != 10) {
            return false;
        }
        byte[] le = new byte[10];
        for (int i = 0; i < 10; i++) {
            le[9 - i] = head[4 + i];
        }
        return new java.math.BigInteger(1, le).equals(LegacyTorchFormat.MAGIC);
    }

    private static byte[] head(Path file, int n) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new ModelImportException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
