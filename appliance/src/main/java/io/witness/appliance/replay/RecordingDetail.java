package io.witness.appliance.replay;

import io.witness.appliance.recording.RecordingSummary;
import java.util.List;

/**
 * A recording's metadata with its timeline. Every {@code t} is milliseconds since the recording's first event.
 */
public record RecordingDetail(
    RecordingSummary summary,
    List<Page> pages,
    List<Click> clicks,
    List<ConsoleError> errors,
    List<Input> inputs,
    List<Viewport> viewports) {

  public record Page(long t, String url) {}

  public record Click(long t, int x, int y, String selector) {}

  public record ConsoleError(long t, String message) {}

  public record Input(long t, String selector) {}

  public record Viewport(long t, int width, int height) {}
}
