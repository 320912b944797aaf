package io.github.llava4j.miniature.world;

/**
 * An axis-aligned box in pixels, COCO's {@code [x, y, width, height]}: it covers columns {@code x .. x+width-1} and
 * rows {@code y .. y+height-1}.
 */
public record PixelBox(int x, int y, int width, int height) {

    public PixelBox {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "pixel box needs x, y >= 0 and width, height > 0, got [" + x + ", " + y + ", " + width + ", "
                            + height + "]");
        }
    }

    /** Exclusive right edge. */
    public int right() {
        return x + width;
    }

    /** Exclusive bottom edge. */
    public int bottom() {
        return y + height;
    }

    public double centreX() {
        return x + width / 2.0;
    }

    public double centreY() {
        return y + height / 2.0;
    }

    public int area() {
        return width * height;
    }

    /** Whether pixel {@code (px, py)} lies in the box grown by {@code grow} pixels on every side. */
    public boolean contains(int px, int py, int grow) {
        return px >= x - grow && px < right() + grow && py >= y - grow && py < bottom() + grow;
    }

    /** Whether at least {@code margin} free pixels separate the two boxes along x or along y. */
    public boolean separatedFrom(PixelBox other, int margin) {
        return right() + margin <= other.x
                || other.right() + margin <= x
                || bottom() + margin <= other.y
                || other.bottom() + margin <= y;
    }

    /** The box divided by the image size: {@code [x1, y1, x2, y2]} in [0, 1]. */
    public NormalizedBox normalized(int imageSize) {
        double s = imageSize;
        return new NormalizedBox(x / s, y / s, right() / s, bottom() / s);
    }
}
