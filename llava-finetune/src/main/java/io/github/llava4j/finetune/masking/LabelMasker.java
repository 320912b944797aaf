package io.github.llava4j.finetune.masking;

import io.github.llava4j.finetune.data.BadDataException;
import io.github.llava4j.finetune.data.BadDataReason;
import io.github.llava4j.finetune.data.Sample;
import io.github.llava4j.finetune.data.Turn;
import io.github.llava4j.text.LlavaTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds {@code input_ids} and {@code labels} of one sample exactly as haotian-liu/LLaVA {@code llava/train/train.py}
 * does ({@code preprocess_multimodal}, then {@code preprocess_plain}, {@code preprocess_v1} or the generic
 * {@code preprocess} for the '###' format, then the collator's truncation).
 *
 * <p>Tokenization model. The reference calls the slow LLaMA tokenizer {@code tokenizer(text).input_ids} (BOS + ids,
 * {@code </s>} in the text becomes the EOS token) and {@code tokenizer_image_token} (split at {@code <image>}, each
 * chunk tokenized on its own with its BOS dropped, one BOS at the start, the image token between chunks). Here
 * {@code tok(text)} = BOS + the chunks between {@code </s>} markers each {@link TextEncoder#encode encoded} on its
 * own, joined by EOS; {@code tokImage(text)} = BOS + {@code tok}-without-BOS of each {@code <image>} chunk joined by
 * the image token. Encoding the text after {@code </s>} as a fresh chunk (with its leading "▁") is how a
 * {@code legacy=True} LLaMA tokenizer behaves, so the round arithmetic needs no correction by default; the
 * reference's {@code round_len - 1} / {@code instruction_len - 1} for rounds after the first (applied for
 * {@code legacy=False} tokenizers with tokenizers ≥ 0.14) is available as {@code nonLegacyOffsets}.
 *
 * <p>The image appears as {@code imageTokenId} in {@code input_ids} (the reference uses -200 there) and as -100 in
 * {@code labels} (the model drops it from the labels when it splices in the image features).
 */
public final class LabelMasker {
    static final String IMAGE = "<image>";
    static final String EOS_TEXT = "</s>";
    static final String V1_SYSTEM = "A chat between a curious user and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the user's questions.";
    static final String V0_SYSTEM = "A chat between a curious human and an artificial intelligence assistant. "
            + "The assistant gives helpful, detailed, and polite answers to the human's questions.";
    private static final int IGNORE = MaskedSample.IGNORE_INDEX;

    private final Template template;
    private final TextEncoder encoder;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int imageTokenId;
    private final int maxLength;
    private final boolean nonLegacyOffsets;

    /**
     * @param padId the pad id the reference counts {@code total_len} against (it sets pad = unk for v1)
     * @param maxLength {@code model_max_length}: text-only samples are truncated by the tokenizer, all by the collator
     * @param nonLegacyOffsets apply the reference's {@code -1} corrections for rounds after the first
     */
    public LabelMasker(Template template, TextEncoder encoder, int bosId, int eosId, int padId, int imageTokenId,
            int maxLength, boolean nonLegacyOffsets) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("max length must be positive, got " + maxLength);
        }
        this.template = template;
        this.encoder = encoder;
        this.bosId = bosId;
        this.eosId = eosId;
        this.padId = padId;
        this.imageTokenId = imageTokenId;
        this.maxLength = maxLength;
        this.nonLegacyOffsets = nonLegacyOffsets;
    }

    /** A masker over a loaded tokenizer (BOS, EOS and pad ids taken from it), legacy offsets. */
    public static LabelMasker of(Template template, LlavaTokenizer tokenizer, int imageTokenId, int maxLength) {
        return new LabelMasker(template, tokenizer::encode, tokenizer.bosId(), tokenizer.eosId(), tokenizer.padId(),
                imageTokenId, maxLength, false);
    }

    /**
     * Masks one sample.
     *
     * @throws BadDataException ({@link BadDataReason#TEMPLATE_MISMATCH}) when the sample does not fit the template
     */
    public MaskedSample mask(Sample sample) {
        boolean hasImage = sample.image().isPresent();
        List<Turn> turns = hasImage ? moveImageToFront(sample.conversations()) : sample.conversations();
        MaskedSample out = switch (template) {
            case PLAIN -> plain(sample.id(), hasImage, turns);
            case V1 -> v1(sample.id(), hasImage, turns);
            case V0 -> v0(sample.id(), hasImage, turns);
        };
        int n = Math.min(out.inputIds().length, maxLength);
        int[] ids = Arrays.copyOf(out.inputIds(), n);
        int[] labels = Arrays.copyOf(out.labels(), n);
        for (int i = 0; i < n; i++) {
            if (ids[i] == imageTokenId) {
                labels[i] = IGNORE;
            }
        }
        return new MaskedSample(sample.id(), ids, labels, out.tokenizationMismatch());
    }

    /** {@code preprocess_multimodal}: every value holding {@code <image>} becomes {@code "<image>\n" + rest}. */
    static List<Turn> moveImageToFront(List<Turn> turns) {
        List<Turn> out = new ArrayList<>(turns.size());
        for (Turn turn : turns) {
            String value = turn.value();
            if (value.contains(IMAGE)) {
                value = (IMAGE + "\n" + pyStrip(value.replace(IMAGE, ""))).strip();
            }
            out.add(new Turn(turn.role(), value));
        }
        return out;
    }

    private MaskedSample plain(String id, boolean hasImage, List<Turn> turns) {
        if (turns.size() != 2 || !hasImage || !turns.get(0).value().contains(IMAGE)) {
            throw new BadDataException(id, BadDataReason.TEMPLATE_MISMATCH, "template plain needs an image and"
                    + " exactly 2 turns with <image> in the first (got " + turns.size() + " turns, "
                    + (hasImage ? "an image" : "no image") + ")");
        }
        // The human value is replaced by the bare image; the caption is followed by the plain template's "\n".
        int[] ids = tokImage(IMAGE + turns.get(1).value() + "\n");
        int[] labels = ids.clone();
        int instruction = tokImage(IMAGE).length;
        Arrays.fill(labels, 0, Math.min(instruction, labels.length), IGNORE);
        return new MaskedSample(id, ids, labels, false);
    }

    private MaskedSample v1(String id, boolean hasImage, List<Turn> turns) {
        StringBuilder prompt = new StringBuilder(V1_SYSTEM).append(' ');
        for (int i = 0; i < turns.size(); i++) {
            prompt.append(i % 2 == 0 ? "USER" : "ASSISTANT").append(": ").append(turns.get(i).value())
                    .append(i % 2 == 0 ? " " : EOS_TEXT);
        }
        String conversation = prompt.toString();
        int[] ids = hasImage ? tokImage(conversation) : truncate(tok(conversation));
        int[] labels = ids.clone();
        int total = 0;
        for (int t : ids) {
            total += t != padId ? 1 : 0;
        }
        String sep = " ASSISTANT: ";
        int cur = 1;
        fill(labels, 0, cur);
        String[] rounds = conversation.split(java.util.regex.Pattern.quote(EOS_TEXT), -1);
        for (int i = 0; i < rounds.length; i++) {
            String round = rounds[i];
            if (round.isEmpty()) {
                break;
            }
            String[] parts = round.split(java.util.regex.Pattern.quote(sep), -1);
            if (parts.length != 2) {
                break;
            }
            String instruction = parts[0] + sep;
            // Both lengths carry a BOS: in round_len it stands in for the "</s>" the split removed; instruction_len
            // also drops the lone "▁" of the trailing space, which in the full string merges into the answer.
            int roundLen = (hasImage ? tokImage(round) : tok(round)).length;
            int instructionLen = (hasImage ? tokImage(instruction) : tok(instruction)).length - 2;
            if (i != 0 && nonLegacyOffsets) {
                roundLen -= 1;
                instructionLen -= 1;
            }
            fill(labels, cur, cur + instructionLen);
            cur += roundLen;
        }
        fill(labels, cur, labels.length);
        boolean mismatch = cur < maxLength && cur != total;
        if (mismatch) {
            Arrays.fill(labels, IGNORE);
        }
        return new MaskedSample(id, ids, labels, mismatch);
    }

    private MaskedSample v0(String id, boolean hasImage, List<Turn> turns) {
        String header = V0_SYSTEM + "\n\n";
        StringBuilder conversation = new StringBuilder(header);
        List<String> pieces = new ArrayList<>();
        pieces.add(header);
        for (Turn turn : turns) {
            String piece = "### " + (Turn.HUMAN.equals(turn.role()) ? "Human" : "Assistant") + ": " + turn.value()
                    + "\n";
            pieces.add(piece);
            conversation.append(piece);
        }
        conversation.append("### ");
        int[] ids = hasImage ? tokImage(conversation.toString()) : truncate(tok(conversation.toString()));
        int[] labels = ids.clone();
        int cur = length(pieces.get(0), hasImage);
        fill(labels, 0, cur);
        for (int i = 0; i < turns.size(); i++) {
            int len = length(pieces.get(i + 1), hasImage);
            if (Turn.HUMAN.equals(turns.get(i).role())) {
                // The reference keeps the first two tokens of every human turn learned (target[cur + 2 : cur + len]).
                fill(labels, cur + 2, cur + len);
            }
            cur += len;
        }
        return new MaskedSample(id, ids, labels, false);
    }

    private int length(String text, boolean hasImage) {
        return hasImage ? tokImage(text).length : truncate(tok(text)).length;
    }

    private int[] truncate(int[] ids) {
        return ids.length <= maxLength ? ids : Arrays.copyOf(ids, maxLength);
    }

    /** Python slice assignment {@code labels[from:to] = -100}: bounds clamp, an empty range does nothing. */
    private static void fill(int[] labels, int from, int to) {
        int start = Math.min(Math.max(from, 0), labels.length);
        int end = Math.min(Math.max(to, 0), labels.length);
        if (start < end) {
            Arrays.fill(labels, start, end, IGNORE);
        }
    }

    /** {@code tokenizer(text).input_ids}: BOS, then the text with {@code </s>} as the EOS token. */
    int[] tok(String text) {
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[] {bosId});
        String[] chunks = text.split(java.util.regex.Pattern.quote(EOS_TEXT), -1);
        for (int i = 0; i < chunks.length; i++) {
            if (i > 0) {
                parts.add(new int[] {eosId});
            }
            parts.add(encoder.encode(chunks[i]));
        }
        return concat(parts);
    }

    /** {@code tokenizer_image_token(text)}: BOS once, each {@code <image>} chunk without its BOS, image tokens between. */
    int[] tokImage(String text) {
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[] {bosId});
        String[] chunks = text.split(java.util.regex.Pattern.quote(IMAGE), -1);
        for (int i = 0; i < chunks.length; i++) {
            if (i > 0) {
                parts.add(new int[] {imageTokenId});
            }
            int[] ids = tok(chunks[i]);
            parts.add(Arrays.copyOfRange(ids, 1, ids.length));
        }
        return concat(parts);
    }

    private static int[] concat(List<int[]> parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** Python's {@code str.strip()} (whitespace per {@link Character#isWhitespace}, close to Python's). */
    private static String pyStrip(String s) {
        return s.strip();
    }
}
