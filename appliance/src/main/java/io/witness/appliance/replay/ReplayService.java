package io.witness.appliance.replay;

import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.recording.Fact;
import io.witness.appliance.recording.RecordingPage;
import io.witness.appliance.recording.RecordingQuery;
import io.witness.appliance.recording.RecordingStore;
import io.witness.appliance.recording.RecordingSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.witness.appliance.subject.SubjectService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Read side of recordings for the console and API clients. */
@ApplicationScoped
public class ReplayService {
  @Inject RecordingStore store;
  @Inject SubjectService subjects;

  /**
   * The recordings matching {@code query}, and when a data subject is named (by id, or by an exact trait such as
   * its email), only that subject's: its own recordings and those of every visitor identify() linked to it, found
   * through blind indexes.
   */
  public RecordingPage list(RecordingQuery query, Optional<String> subject, Optional<Map.Entry<String, String>> trait) {
    if (subject.isEmpty() && trait.isEmpty()) {
      return store.list(query);
    }
    Set<String> refs = new HashSet<>();
    for (String site : subjects.siteIds(query.siteId())) {
      Optional<Set<String>> ofSubject = subject.map(id -> subjects.keySubjects(site, id));
      Optional<Set<String>> ofTrait = trait.map(t -> subjects.keySubjectsByTrait(site, t.getKey(), t.getValue()));
      Set<String> both = new HashSet<>(ofSubject.or(() -> ofTrait).orElseThrow());
      ofTrait.ifPresent(both::retainAll);
      refs.addAll(both);
    }
    return store.list(new RecordingQuery(query.from(), query.to(), query.page(), query.minDurationMs(),
        query.maxDurationMs(), query.hasError(), query.siteId(), Optional.of(refs), query.clientIp(),
        query.limit(), query.cursor()));
  }

  /** The site of recording {@code id}; 404 problem when there is none. */
  public String siteOf(String id) {
    return store.summary(id).orElseThrow(() -> ProblemException.notFound("no recording " + id)).siteId();
  }

  /** See {@code RecordingStore#manifestDigest}. */
  public Optional<String> manifestDigest(String id) {
    return store.manifestDigest(id);
  }

  public RecordingDetail detail(String id) {
    RecordingSummary s = store.summary(id).orElseThrow(() -> ProblemException.notFound("no recording " + id));
    List<RecordingDetail.Page> pages = new ArrayList<>();
    List<RecordingDetail.Click> clicks = new ArrayList<>();
    List<RecordingDetail.ConsoleError> errors = new ArrayList<>();
    List<RecordingDetail.Input> inputs = new ArrayList<>();
    List<RecordingDetail.Viewport> viewports = new ArrayList<>();
    long t0 = s.startedAt().toInstant().toEpochMilli();
    for (Fact f : store.facts(id)) {
      long t = Math.max(0, f.tsMs() - t0);
      switch (f.kind()) {
        case PAGE -> pages.add(new RecordingDetail.Page(t, f.text().orElse("")));
        case CLICK -> clicks.add(new RecordingDetail.Click(t, f.x().orElse(0), f.y().orElse(0),
            f.selector().orElse("")));
        case ERROR -> errors.add(new RecordingDetail.ConsoleError(t, f.text().orElse("")));
        case INPUT -> inputs.add(new RecordingDetail.Input(t, f.selector().orElse("")));
        case VIEWPORT -> viewports.add(new RecordingDetail.Viewport(t, f.x().orElse(0), f.y().orElse(0)));
      }
    }
    return new RecordingDetail(s, pages, clicks, errors, inputs, viewports);
  }

  public RecordingStore.EventStream events(String id) {
    return store.events(id).orElseThrow(() -> ProblemException.notFound("no recording " + id));
  }
}
