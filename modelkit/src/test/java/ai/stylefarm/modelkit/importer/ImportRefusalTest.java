package ai.stylefarm.modelkit.importer;

import static ai.stylefarm.modelkit.testing.Fixtures.ADA_A;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file the kit cannot turn into a faithful bundle is refused with a message that says what it found. */
class ImportRefusalTest {
    @TempDir
    Path tmp;

    @Test
    void pickleThatWouldRunAShellCommandIsRefusedByNameAndNothingRuns() throws Exception {
        Path marker = tmp.resolve("pwned");
        String command = "touch " + marker;
        // PROTO 2; GLOBAL os.system; the command; TUPLE1; REDUCE; STOP — what pickle.loads would execute.
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        writeUnicode(p, command);
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        Path file = write("network-snapshot-evil.pkl", p.toByteArray());

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("'os.system'"), e.getMessage());
        assertTrue(e.getMessage().contains("no pickled code is ever run"), e.getMessage());
        assertFalse(Files.exists(marker), "the command must not have run");
    }

    @Test
    void protocol4StackGlobalOutsideTheAllowListIsRefusedAfterValidContent() throws Exception {
        // A dict with one harmless item, then STACK_GLOBAL builtins.exec: the refusal comes on reaching the name.
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 4, '}'});
        writeUnicode(p, "G");
        p.write('N');
        p.write('s');
        writeUnicode(p, "builtins");
        writeUnicode(p, "exec");
        p.write(new byte[] {(byte) 0x93});
        writeUnicode(p, "import os; os.system('id')");
        p.write(new byte[] {(byte) 0x85, 'R', '.'});
        Path file = write("snapshot.pkl", p.toByteArray());

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("'builtins.exec'"), e.getMessage());
    }

    @Test
    void tensorFlowPickleIsRefusedWithTheConversionCommand() throws Exception {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2});
        p.write("cdnnlib.tflib.network\nNetwork\n".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {')', (byte) 0x81, '.'});
        Path file = write("stylegan2-ffhq-config-f.pkl", p.toByteArray());

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("TensorFlow"), e.getMessage());
        assertTrue(e.getMessage().contains("legacy.py"), e.getMessage());
    }

    @Test
    void styleGan3GeneratorIsRefusedAsAliasFree() {
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> Importers.importFile(Fixtures.path("fixtures/refusals/stylegan3-generator.pkl")));

        assertTrue(e.getMessage().contains("StyleGAN3"), e.getMessage());
        assertTrue(e.getMessage().contains("alias-free"), e.getMessage());
    }

    @Test
    void truncatedPickleIsRefusedAsTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.path(ADA_A + "network-snapshot.pkl"));
        Path file = write("cut.pkl", Arrays.copyOf(whole, whole.length / 2));

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedCheckpointIsRefusedAsTruncated() throws Exception {
        byte[] whole = Files.readAllBytes(Fixtures.path("fixtures/rosinality/rosinality-A.pt"));
        Path file = write("cut.pt", Arrays.copyOf(whole, whole.length - 5000));

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aPickleThatClaimsMoreBytesThanItHoldsIsTruncatedNotAnExhaustedHeap() throws Exception {
        for (byte[] claim : new byte[][] {{'B', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x3f},
                {'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x3f}, {'B', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
                {(byte) 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10}}) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.write(new byte[] {(byte) 0x80, 4});
            p.write(claim);
            p.write(new byte[] {1, 2, 3, 4, '.'});
            Path file = write("claims.pkl", p.toByteArray());

            ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("claims"), e.getMessage());
        }
    }

    @Test
    void aCheckpointWhoseStorageInflatesPastItsTensorIsRefused() throws Exception {
        Path bomb = tmp.resolve("bomb.pt");
        try (java.util.zip.ZipFile original = new java.util.zip.ZipFile(
                Fixtures.path("fixtures/rosinality/rosinality-A.pt").toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(bomb))) {
            boolean replaced = false;
            for (var entries = original.entries(); entries.hasMoreElements(); ) {
                java.util.zip.ZipEntry entry = entries.nextElement();
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                if (!replaced && entry.getName().contains("/data/")) {
                    out.write(new byte[50_000_000]);
                    replaced = true;
                } else {
                    try (var in = original.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(bomb));

        assertTrue(e.getMessage().contains("more bytes than its tensor"), e.getMessage());
    }

    @Test
    void snapshotWithoutGEmaIsRefusedNamingTheMissingKey() throws Exception {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 4, '}'});
        writeUnicode(p, "G");
        p.write(new byte[] {'N', 's', '.'});
        Path file = write("no-gema.pkl", p.toByteArray());

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("missing key 'G_ema'"), e.getMessage());
    }

    @Test
    void checkpointWithAMissingWeightIsRefusedNamingIt() {
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> Importers.importFile(Fixtures.path("fixtures/refusals/rosinality-missing-key.pt")));

        assertTrue(e.getMessage().contains("convs.3.noise.weight"), e.getMessage());
    }

    @Test
    void checkpointWithAWrongShapeIsRefusedNamingTheTensorAndBothShapes() {
        ModelImportException e = assertThrows(ModelImportException.class,
                () -> Importers.importFile(Fixtures.path("fixtures/refusals/rosinality-shape-mismatch.pt")));

        assertTrue(e.getMessage().contains("shape mismatch for 'synthesis.b16.conv0.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("[64, 16, 3, 3]"), e.getMessage());
    }

    @Test
    void unrecognisedFileIsRefusedListingWhatIsSupported() throws Exception {
        Path file = write("weights.h5", "\u0089HDF\r\n".getBytes(StandardCharsets.ISO_8859_1));

        ModelImportException e = assertThrows(ModelImportException.class, () -> Importers.importFile(file));

        assertTrue(e.getMessage().contains("unrecognised"), e.getMessage());
        assertTrue(e.getMessage().contains("rosinality"), e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static void writeUnicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write(0x8c); // SHORT_BINUNICODE
        p.write(b.length);
        p.writeBytes(b);
    }
}
