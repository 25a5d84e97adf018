package io.witness.appliance.recording;

import java.util.List;
import java.util.Optional;

/** A page of the recordings list, newest first. */
public record RecordingPage(List<RecordingSummary> items, Optional<String> nextCursor) {}
