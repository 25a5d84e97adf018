package io.witness.appliance.crypto;

import io.witness.appliance.platform.DaemonThreads;
import io.witness.appliance.platform.ProblemException;
import io.witness.appliance.platform.ProblemType;
import io.witness.appliance.platform.TimeOrderedIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Online key rotations started by an administrator (API and {@code bin/witness keys rotate}), one at a time, each
 * on a thread of its own while the appliance keeps recording; their progress can be followed. The last
 * {@link #KEPT} are remembered until the appliance stops.
 */
@ApplicationScoped
public class KeyRotations {
  private static final Logger LOG = Logger.getLogger(KeyRotations.class.getName());
  static final int KEPT = 20;

  @Inject KeyService keys;
  @Inject RootKeyUsers rootUsers;

  /** A rotation's state, as the API shows it. */
  public static final class Job {
    public final String id;
    public final String scope;
    public final Instant startedAt = Instant.now();
    volatile String state = "running";
    volatile int done;
    volatile int total;
    volatile Instant finishedAt;
    volatile KeyService.Rotation result;
    volatile String error;

    Job(String id, String scope) {
      this.id = id;
      this.scope = scope;
    }

    public Map<String, Object> toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", id);
      out.put("scope", scope);
      out.put("state", state);
      out.put("done", done);
      out.put("total", total);
      out.put("startedAt", startedAt.toString());
      out.put("finishedAt", finishedAt == null ? null : finishedAt.toString());
      if (result != null) {
        out.put("newVersion", result.newVersion());
        out.put("rewrapped", result.rewrapped());
        out.put("destroyedVersions", result.destroyedVersions());
      }
      out.put("error", error);
      return out;
    }
  }

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private Job running;

  /** Starts rotating the root key ({@code siteId} empty) or a site's KEK; 409 while another rotation runs. */
  public Job start(Optional<String> siteId) {
    Job job;
    synchronized (jobs) {
      if (running != null) {
        throw new ProblemException(ProblemType.CONFLICT, 409, "rotation " + running.id + " (" + running.scope
            + ") is still running; follow it at /api/v1/keys/rotations/" + running.id);
      }
      job = new Job(TimeOrderedIds.next().toString(), siteId.map(s -> "site:" + s).orElse("root"));
      running = job;
      jobs.put(job.id, job);
      while (jobs.size() > KEPT) {
        jobs.remove(jobs.keySet().iterator().next());
      }
    }
    DaemonThreads.start("witness-key-rotation", () -> run(job, siteId));
    return job;
  }

  public Optional<Job> job(String id) {
    synchronized (jobs) {
      return Optional.ofNullable(jobs.get(id));
    }
  }

  public List<Job> jobs() {
    synchronized (jobs) {
      return List.copyOf(jobs.values());
    }
  }

  private void run(Job job, Optional<String> siteId) {
    try {
      job.result = siteId.isPresent()
          ? keys.rotateSite(siteId.get(), (done, total) -> {
            job.done = done;
            job.total = total;
          })
          : keys.rotateRoot();
      if (siteId.isEmpty()) {
        job.done = job.result.rewrapped();
        job.total = job.result.rewrapped();
      }
      job.state = "done";
      LOG.info(() -> "key rotation " + job.id + " (" + job.scope + ") done: version " + job.result.newVersion()
          + ", " + job.result.rewrapped() + " keys re-wrapped, versions destroyed " + job.result.destroyedVersions()
          + (rootUsers.pending().isEmpty() ? "" : ", root versions kept until the ingest journal lets go "
              + rootUsers.pending()));
    } catch (RuntimeException e) {
      job.state = "failed";
      job.error = e.getClass().getSimpleName() + ": " + e.getMessage();
      LOG.log(Level.WARNING, "key rotation " + job.id + " failed", e);
    } finally {
      job.finishedAt = Instant.now();
      synchronized (jobs) {
        running = null;
      }
    }
  }
}
