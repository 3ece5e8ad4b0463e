package ai.stylefarm.schemas.documents;

/**
 * One line of a job's {@code manifest.jsonl}. A line that names a stored object carries its checksum, so that anyone
 * holding the manifest can verify the object (a webdataset sample names its shard and the member inside it).
 */
public sealed interface ManifestLine permits ImageLine, StyleMixLine, SegmentLine, FrameLine, TargetMetrics {
    /** The object this line describes, or null for a line that describes a result rather than a file. */
    String key();

    /** The member of a webdataset shard, or null when {@link #key()} is the object itself. */
    default String member() {
        return null;
    }

    String sha256();

    /** Null where {@link #key()} is. */
    Long bytes();
}
