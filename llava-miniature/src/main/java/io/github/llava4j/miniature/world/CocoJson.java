package io.github.llava4j.miniature.world;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * COCO's annotation file layout, field for field (captions_*.json and instances_*.json of COCO 2014/2017), as
 * records Jackson writes and reads. Only the fields this world fills are present.
 */
public final class CocoJson {

    private CocoJson() {}

    /** {@code info} block. */
    public record Info(
            String description,
            String version,
            int year,
            String contributor,
            @JsonProperty("date_created") String dateCreated) {}

    /** One entry of {@code images}. */
    public record Image(long id, @JsonProperty("file_name") String fileName, int width, int height) {}

    /** One entry of {@code annotations} in a captions file. */
    public record Caption(long id, @JsonProperty("image_id") long imageId, String caption) {}

    /**
     * One entry of {@code annotations} in an instances file: {@code bbox} is {@code [x, y, width, height]} in pixels,
     * {@code segmentation} one polygon {@code [[x1, y1, x2, y2, ...]]} (the box's corners), {@code iscrowd} 0.
     */
    public record Instance(
            long id,
            @JsonProperty("image_id") long imageId,
            @JsonProperty("category_id") int categoryId,
            List<List<Double>> segmentation,
            double area,
            List<Double> bbox,
            @JsonProperty("iscrowd") int isCrowd) {}

    /** One entry of {@code categories}: name {@code "<colour> <shape>"}, supercategory the shape. */
    public record Category(int id, String name, String supercategory) {}

    /** A whole {@code captions_<split>.json}. */
    public record CaptionsFile(
            Info info, List<Object> licenses, List<Image> images, List<Caption> annotations) {}

    /** A whole {@code instances_<split>.json}. */
    public record InstancesFile(
            Info info, List<Object> licenses, List<Image> images, List<Instance> annotations,
            List<Category> categories) {}
}
