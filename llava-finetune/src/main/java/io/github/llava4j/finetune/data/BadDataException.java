package io.github.llava4j.finetune.data;

import io.github.llava4j.LlavaException;

/** A training sample that cannot be used, with the sample id (or its position) and the reason. */
public final class BadDataException extends LlavaException {
    private final String sampleId;
    private final BadDataReason reason;

    public BadDataException(String sampleId, BadDataReason reason, String detail) {
        super("sample " + sampleId + ": " + reason.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail);
        this.sampleId = sampleId;
        this.reason = reason;
    }

    public String sampleId() {
        return sampleId;
    }

    public BadDataReason reason() {
        return reason;
    }
}
