package io.github.llava4j.io;

import java.util.List;

/**
 * Maps both llava-hf tensor-name schemes to the canonical one, the older llava-hf names
 * ({@code language_model.model.*}, {@code language_model.lm_head.weight}, {@code vision_tower.vision_model.*},
 * {@code multi_modal_projector.*}).
 *
 * <p>The newer scheme (transformers ≥ 4.52) stores {@code model.language_model.*}, {@code lm_head.weight},
 * {@code model.vision_tower.*} and {@code model.multi_modal_projector.*}. Names outside both schemes are left as they
 * are and reported by {@link #isKnown}; the loader decides what to do with them.
 */
public final class TensorNames {
    /** The two naming schemes of llava-hf checkpoints. */
    public enum Scheme {
        /** {@code language_model.model.*} etc.; the canonical scheme. */
        OLD,
        /** {@code model.language_model.*}, {@code lm_head.weight}, {@code model.vision_tower.*}, ... */
        NEW
    }

    private static final String[][] NEW_TO_OLD = {
        {"model.language_model.", "language_model.model."},
        {"model.vision_tower.", "vision_tower."},
        {"model.multi_modal_projector.", "multi_modal_projector."},
    };
    private static final String OLD_LM_HEAD = "language_model.lm_head.weight";
    private static final String NEW_LM_HEAD = "lm_head.weight";
    private static final List<String> CANONICAL_PREFIXES =
            List.of("language_model.model.", "vision_tower.vision_model.", "multi_modal_projector.");

    private TensorNames() {}

    /** The canonical (older llava-hf) name of a name in either scheme; unknown names come back unchanged. */
    public static String canonical(String name) {
        if (name.equals(NEW_LM_HEAD)) {
            return OLD_LM_HEAD;
        }
        for (String[] p : NEW_TO_OLD) {
            if (name.startsWith(p[0])) {
                return p[1] + name.substring(p[0].length());
            }
        }
        return name;
    }

    /** The name a canonical tensor has in {@code scheme}. */
    public static String inScheme(String canonicalName, Scheme scheme) {
        if (scheme == Scheme.OLD) {
            return canonicalName;
        }
        if (canonicalName.equals(OLD_LM_HEAD)) {
            return NEW_LM_HEAD;
        }
        for (String[] p : NEW_TO_OLD) {
            if (canonicalName.startsWith(p[1])) {
                return p[0] + canonicalName.substring(p[1].length());
            }
        }
        return canonicalName;
    }

    /** Buffers that some exports save but no model needs: {@code *.position_ids}, {@code *.rotary_emb.inv_freq}. */
    public static boolean isIgnorable(String name) {
        return name.endsWith(".position_ids") || name.equals("position_ids") || name.endsWith(".rotary_emb.inv_freq");
    }

    /** Whether a canonical name belongs to one of the three parts of a LLaVA checkpoint (or is its lm_head). */
    public static boolean isKnown(String canonicalName) {
        if (canonicalName.equals(OLD_LM_HEAD)) {
            return true;
        }
        for (String prefix : CANONICAL_PREFIXES) {
            if (canonicalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
