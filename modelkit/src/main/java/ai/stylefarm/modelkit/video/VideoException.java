package ai.stylefarm.modelkit.video;

/** A video could not be encoded, joined or read; the message says which step and FFmpeg's reason. */
public final class VideoException extends RuntimeException {
    public VideoException(String message) {
        super(message);
    }
}
