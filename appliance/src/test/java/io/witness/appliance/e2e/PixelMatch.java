package io.witness.appliance.e2e;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.BitSet;
import java.util.List;

/**
 * Pixel comparison of two screenshots, a port of pixelmatch 5/6 (the tool behind the corpus's {@code
 * replayDiffPct}), so that our figures and the corpus's are the same measure: per pixel, the YIQ colour distance
 * (Kotsarenko and Ramos) against {@code 35215 * threshold²}, with pixels that look like anti-aliasing in either
 * image (Vysniauskas' detector) not counted. Threshold 0.1 is pixelmatch's default; opaque screenshots make the
 * alpha blending a no-op, kept anyway for fidelity.
 */
final class PixelMatch {
  static final double DEFAULT_THRESHOLD = 0.1;
  private static final double MAX_YIQ_DELTA = 35215;

  private PixelMatch() {}

  /** Which pixels differ; {@link #percent()} is what index.json calls replayDiffPct. */
  record Result(int width, int height, BitSet diff) {
    int diffPixels() {
      return diff.cardinality();
    }

    double percent() {
      return 100.0 * diffPixels() / ((double) width * height);
    }

    /** Differing pixels inside the rectangle (clipped to the image). */
    int diffPixelsIn(Rectangle r) {
      Rectangle c = r.intersection(new Rectangle(0, 0, width, height));
      int n = 0;
      for (int y = c.y; y < c.y + c.height; y++) {
        n += diff.get(y * width + c.x, y * width + c.x + c.width).cardinality();
      }
      return n;
    }

    /** Percentage of differing pixels among those outside every rectangle in {@code excluded}. */
    double percentOutside(List<Rectangle> excluded) {
      BitSet inside = new BitSet(width * height);
      for (Rectangle r : excluded) {
        Rectangle c = r.intersection(new Rectangle(0, 0, width, height));
        for (int y = c.y; y < c.y + c.height; y++) {
          inside.set(y * width + c.x, y * width + c.x + c.width);
        }
      }
      BitSet outside = (BitSet) diff.clone();
      outside.andNot(inside);
      return 100.0 * outside.cardinality() / ((double) width * height - inside.cardinality());
    }

    /** The second image greyed out with differing pixels in red (pixelmatch's output image, without AA marks). */
    BufferedImage render(BufferedImage base) {
      BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          if (diff.get(y * width + x)) {
            out.setRGB(x, y, 0xff0000);
          } else {
            int p = base.getRGB(x, y);
            int g = (int) (255 + (luma(p) - 255) * 0.1);
            out.setRGB(x, y, g << 16 | g << 8 | g);
          }
        }
      }
      return out;
    }
  }

  static Result compare(BufferedImage a, BufferedImage b) {
    return compare(a, b, DEFAULT_THRESHOLD);
  }

  static Result compare(BufferedImage a, BufferedImage b, double threshold) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new IllegalArgumentException("image sizes differ: " + a.getWidth() + "x" + a.getHeight() + " vs "
          + b.getWidth() + "x" + b.getHeight());
    }
    int w = a.getWidth();
    int h = a.getHeight();
    int[] p1 = a.getRGB(0, 0, w, h, null, 0, w);
    int[] p2 = b.getRGB(0, 0, w, h, null, 0, w);
    double maxDelta = MAX_YIQ_DELTA * threshold * threshold;
    BitSet diff = new BitSet(w * h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (p1[i] == p2[i]) {
          continue;
        }
        double delta = colorDelta(p1[i], p2[i], false);
        if (Math.abs(delta) > maxDelta
            && !antialiased(p1, x, y, w, h, p1, p2) && !antialiased(p2, x, y, w, h, p2, p1)) {
          diff.set(i);
        }
      }
    }
    return new Result(w, h, diff);
  }

  /** Vysniauskas (2009): a pixel between a darker and a brighter neighbour that each sit in flat areas. */
  private static boolean antialiased(int[] img, int x1, int y1, int w, int h, int[] a, int[] b) {
    int x0 = Math.max(x1 - 1, 0);
    int y0 = Math.max(y1 - 1, 0);
    int x2 = Math.min(x1 + 1, w - 1);
    int y2 = Math.min(y1 + 1, h - 1);
    int center = img[y1 * w + x1];
    int zeroes = x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2 ? 1 : 0;
    double min = 0;
    double max = 0;
    int minX = 0;
    int minY = 0;
    int maxX = 0;
    int maxY = 0;
    for (int x = x0; x <= x2; x++) {
      for (int y = y0; y <= y2; y++) {
        if (x == x1 && y == y1) {
          continue;
        }
        double delta = colorDelta(center, img[y * w + x], true);
        if (delta == 0) {
          zeroes++;
          if (zeroes > 2) {
            return false;
          }
        } else if (delta < min) {
          min = delta;
          minX = x;
          minY = y;
        } else if (delta > max) {
          max = delta;
          maxX = x;
          maxY = y;
        }
      }
    }
    if (min == 0 || max == 0) {
      return false;
    }
    return (hasManySiblings(a, minX, minY, w, h) && hasManySiblings(b, minX, minY, w, h))
        || (hasManySiblings(a, maxX, maxY, w, h) && hasManySiblings(b, maxX, maxY, w, h));
  }

  private static boolean hasManySiblings(int[] img, int x1, int y1, int w, int h) {
    int x0 = Math.max(x1 - 1, 0);
    int y0 = Math.max(y1 - 1, 0);
    int x2 = Math.min(x1 + 1, w - 1);
    int y2 = Math.min(y1 + 1, h - 1);
    int val = img[y1 * w + x1];
    int zeroes = x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2 ? 1 : 0;
    for (int x = x0; x <= x2; x++) {
      for (int y = y0; y <= y2; y++) {
        if (x == x1 && y == y1) {
          continue;
        }
        if (img[y * w + x] == val && ++zeroes > 2) {
          return true;
        }
      }
    }
    return false;
  }

  /** Squared YIQ distance, negative when the second colour is brighter; brightness difference only if yOnly. */
  static double colorDelta(int c1, int c2, boolean yOnly) {
    if (c1 == c2) {
      return 0;
    }
    double a1 = (c1 >>> 24) / 255.0;
    double a2 = (c2 >>> 24) / 255.0;
    double r1 = blend(c1 >> 16 & 0xff, a1);
    double g1 = blend(c1 >> 8 & 0xff, a1);
    double b1 = blend(c1 & 0xff, a1);
    double r2 = blend(c2 >> 16 & 0xff, a2);
    double g2 = blend(c2 >> 8 & 0xff, a2);
    double b2 = blend(c2 & 0xff, a2);
    double y1 = rgb2y(r1, g1, b1);
    double y2 = rgb2y(r2, g2, b2);
    double y = y1 - y2;
    if (yOnly) {
      return y;
    }
    double i = rgb2i(r1, g1, b1) - rgb2i(r2, g2, b2);
    double q = rgb2q(r1, g1, b1) - rgb2q(r2, g2, b2);
    double delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
    return y1 > y2 ? -delta : delta;
  }

  private static double blend(int c, double a) {
    return a >= 1 ? c : 255 + (c - 255) * a;
  }

  private static double rgb2y(double r, double g, double b) {
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223;
  }

  private static double rgb2i(double r, double g, double b) {
    return r * 0.59597799 - g * 0.27417610 - b * 0.32180189;
  }

  private static double rgb2q(double r, double g, double b) {
    return r * 0.21147017 - g * 0.52261711 + b * 0.31114694;
  }

  private static double luma(int p) {
    return rgb2y(p >> 16 & 0xff, p >> 8 & 0xff, p & 0xff);
  }
}
