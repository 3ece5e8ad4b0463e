package ai.stylefarm.domain.kinds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/**
 * A spec as the farm will store it.
 *
 * @param items   images it renders (frames × grid cells for a video): what quotas count
 * @param outputs what its progress counts: images, a video's frames, or projection targets
 * @param uploads the uploads it reads, held while the job is stored so that none is deleted in between
 */
public record Accepted(ObjectNode spec, long items, long outputs, List<UUID> uploads) {
    public Accepted {
        uploads = List.copyOf(uploads);
    }
}
