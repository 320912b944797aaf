package io.github.llava4j;

/**
 * Keeps DJL offline and opted out of telemetry on our users' behalf.
 *
 * <p>Without these settings DJL's first {@code Engine.getInstance()} and every {@code HuggingFaceTokenizer}
 * creation call home (EC2 metadata and an S3 telemetry URL). DJL reads each setting from an environment variable
 * or a system property, so we set the system property only where the user has set neither: an explicit
 * {@code DJL_OFFLINE=false} (for example to let DJL download a CUDA libtorch once) is respected.
 */
public final class DjlDefaults {
    static final String OFFLINE_ENV = "DJL_OFFLINE";
    static final String OFFLINE_PROPERTY = "ai.djl.offline";
    static final String TRACKING = "OPT_OUT_TRACKING";

    private DjlDefaults() {}

    /** Call before the first use of DJL; cheap and idempotent. */
    public static void apply() {
        if (System.getenv(OFFLINE_ENV) == null && System.getProperty(OFFLINE_PROPERTY) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        if (System.getenv(TRACKING) == null && System.getProperty(TRACKING) == null) {
            System.setProperty(TRACKING, "true");
        }
    }
}
