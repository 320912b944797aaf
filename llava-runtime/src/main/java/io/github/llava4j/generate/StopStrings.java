package io.github.llava4j.generate;

import java.util.List;

/**
 * Watches the answer text for stop strings, which may span tokens. Text is released to the stream only once it can
 * no longer be the start of a stop string, so no part of a stop string is ever streamed or returned.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private boolean matched;

    StopStrings(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** Adds decoded text; returns the part that is now safe to stream (empty while held back or after a match). */
    String append(String piece) {
        if (matched) {
            return "";
        }
        text.append(piece);
        int stopAt = earliestStop();
        if (stopAt >= 0) {
            matched = true;
            text.setLength(stopAt);
            return release(Math.max(stopAt, released));
        }
        return release(Math.max(released, text.length() - heldBack()));
    }

    /** Releases whatever is still held back (a partial stop string that never completed). */
    String finish() {
        return release(text.length());
    }

    boolean matched() {
        return matched;
    }

    /** The answer so far, without any stop string. */
    String text() {
        return text.toString();
    }

    /** The part of the answer already handed to the stream (all of it, once generation finished normally). */
    String releasedText() {
        return text.substring(0, released);
    }

    private String release(int end) {
        String delta = text.substring(released, end);
        released = end;
        return delta;
    }

    private int earliestStop() {
        int earliest = -1;
        for (String stop : stops) {
            int from = Math.max(0, released - stop.length());
            int at = text.indexOf(stop, from);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        return earliest;
    }

    /** Length of the longest end of the text that is a proper prefix of some stop string. */
    private int heldBack() {
        int longest = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > longest; length--) {
                if (text.substring(text.length() - length).equals(stop.substring(0, length))) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}
