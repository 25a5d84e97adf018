package io.witness.appliance.platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background work of the appliance: named daemon threads, so that none of them keeps a stopping JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A single-threaded scheduler whose thread is a daemon called {@code name}. */
  public static ScheduledExecutorService scheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> daemon(name, r));
  }

  /** Starts {@code work} on a new platform daemon thread called {@code name}. */
  public static Thread start(String name, Runnable work) {
    Thread t = daemon(name, work);
    t.start();
    return t;
  }

  private static Thread daemon(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    return t;
  }
}
