package dev.warden.workers.trial;

/** Why a trial worker was recycled (fresh process, fresh memory, age and brake count reset). */
public enum RecycleCause {
  AGE("age"),
  RSS("rss"),
  EXIT_42("exit-42"),
  BRAKE_LIMIT("brake-limit");

  private final String metric;

  RecycleCause(String metric) {
    this.metric = metric;
  }

  /** Name of the counter on the kind's MBean, e.g. {@code recycles.rss}. */
  public String counter() {
    return "recycles." + metric;
  }
}
