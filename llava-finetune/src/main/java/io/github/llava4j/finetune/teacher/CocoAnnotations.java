package io.github.llava4j.finetune.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.llava4j.LlavaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads COCO annotation files into {@link ImageAnnotation}s: {@code captions_*.json} ({@code images[{id, file_name,
 * width, height}]}, {@code annotations[{image_id, caption}]}) and, optionally, {@code instances_*.json}
 * ({@code annotations[{image_id, category_id, bbox: [x, y, w, h]}]} in pixels, {@code categories[{id, name}]}).
 * Images keep the captions file's order; images without any caption are left out.
 */
public final class CocoAnnotations {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CocoAnnotations() {}

    /** @param instances the instances file, or null for captions only (no boxes) */
    public static List<ImageAnnotation> read(Path captions, Path instances) {
        JsonNode caps = readJson(captions);
        Map<String, JsonNode> images = new LinkedHashMap<>();
        for (JsonNode image : array(caps, "images", captions)) {
            images.put(text(image, "id", captions), image);
        }
        Map<String, List<String>> captionsById = new HashMap<>();
        for (JsonNode ann : array(caps, "annotations", captions)) {
            String id = text(ann, "image_id", captions);
            captionsById.computeIfAbsent(id, k -> new ArrayList<>()).add(text(ann, "caption", captions));
        }
        Map<String, List<ObjectBox>> boxesById = new HashMap<>();
        if (instances != null) {
            JsonNode inst = readJson(instances);
            Map<String, JsonNode> sizes = new HashMap<>(images);
            for (JsonNode image : array(inst, "images", instances)) {
                sizes.putIfAbsent(text(image, "id", instances), image);
            }
            Map<String, String> categories = new HashMap<>();
            for (JsonNode cat : array(inst, "categories", instances)) {
                categories.put(text(cat, "id", instances), text(cat, "name", instances));
            }
            for (JsonNode ann : array(inst, "annotations", instances)) {
                String id = text(ann, "image_id", instances);
                JsonNode size = sizes.get(id);
                if (size == null) {
                    throw new LlavaException(instances + ": annotation for image_id " + id + " of no known image");
                }
                String categoryId = text(ann, "category_id", instances);
                String category = categories.get(categoryId);
                if (category == null) {
                    throw new LlavaException(instances + ": unknown category_id " + categoryId);
                }
                JsonNode bbox = ann.get("bbox");
                if (bbox == null || !bbox.isArray() || bbox.size() != 4) {
                    throw new LlavaException(instances + ": annotation of image " + id
                            + " needs \"bbox\": [x, y, w, h], found " + bbox);
                }
                boxesById.computeIfAbsent(id, k -> new ArrayList<>()).add(ObjectBox.fromPixels(category,
                        bbox.get(0).asDouble(), bbox.get(1).asDouble(), bbox.get(2).asDouble(),
                        bbox.get(3).asDouble(), size.path("width").asInt(), size.path("height").asInt()));
            }
        }
        List<ImageAnnotation> result = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : images.entrySet()) {
            List<String> c = captionsById.get(e.getKey());
            if (c != null) {
                result.add(new ImageAnnotation(e.getKey(), text(e.getValue(), "file_name", captions), c,
                        boxesById.getOrDefault(e.getKey(), List.of())));
            }
        }
        return result;
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LlavaException(file + ": annotation file not found");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new LlavaException(file + ": cannot read JSON (" + e.getMessage() + ")", e);
        }
    }

    private static JsonNode array(JsonNode root, String field, Path file) {
        JsonNode node = root.get(field);
        if (node == null || !node.isArray()) {
            throw new LlavaException(file + ": expected a \"" + field + "\" array at the top level");
        }
        return node;
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new LlavaException(file + ": entry " + node + " lacks \"" + field + "\"");
        }
        return value.asText();
    }
}
