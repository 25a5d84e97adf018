package io.witness.appliance.e2e;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PixelMatchTest {

  @Test
  void compare_identicalImages_noDifference() {
    BufferedImage a = filled(40, 30, Color.WHITE);
    assertThat(PixelMatch.compare(a, filled(40, 30, Color.WHITE)).diffPixels(), equalTo(0));
  }

  @Test
  void compare_blockOfOtherColour_countsEveryPixelOfIt() {
    BufferedImage a = filled(40, 30, Color.WHITE);
    BufferedImage b = filled(40, 30, Color.WHITE);
    paint(b, new Rectangle(10, 10, 5, 4), Color.BLACK);
    PixelMatch.Result r = PixelMatch.compare(a, b);
    assertThat(r.diffPixels(), equalTo(20));
    assertThat(r.percent(), closeTo(100.0 * 20 / 1200, 1e-9));
    assertThat(r.diffPixelsIn(new Rectangle(0, 0, 12, 40)), equalTo(8));
    assertThat(r.percentOutside(List.of(new Rectangle(10, 10, 5, 4))), closeTo(0, 1e-9));
  }

  @Test
  void compare_colourBelowThreshold_notCounted() {
    BufferedImage a = filled(10, 10, new Color(200, 200, 200));
    BufferedImage b = filled(10, 10, new Color(204, 204, 204));
    assertThat(PixelMatch.compare(a, b).diffPixels(), equalTo(0));
    assertThat(PixelMatch.compare(a, b, 0).diffPixels(), equalTo(100));
  }

  @Test
  void compare_antiAliasedEdgePixel_notCounted() {
    // A black bar on white; in b the pixel column next to the bar is grey, the way a shifted anti-aliased edge is.
    BufferedImage a = filled(20, 20, Color.WHITE);
    BufferedImage b = filled(20, 20, Color.WHITE);
    paint(a, new Rectangle(5, 5, 5, 10), Color.BLACK);
    paint(b, new Rectangle(5, 5, 5, 10), Color.BLACK);
    paint(b, new Rectangle(10, 5, 1, 10), Color.GRAY);
    assertThat(PixelMatch.compare(a, b).diffPixels(), equalTo(0));
  }

  private static BufferedImage filled(int w, int h, Color c) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    paint(img, new Rectangle(0, 0, w, h), c);
    return img;
  }

  private static void paint(BufferedImage img, Rectangle r, Color c) {
    Graphics2D g = img.createGraphics();
    g.setColor(c);
    g.fill(r);
    g.dispose();
  }
}
