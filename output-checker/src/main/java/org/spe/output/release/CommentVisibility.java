package org.spe.output.release;

/** Who sees a reviewer's comment. */
public enum CommentVisibility {
    /** The author and the output checkers. */
    RESEARCHER,
    /** Output checkers only; never shown in the author's view. */
    CHECKERS
}
