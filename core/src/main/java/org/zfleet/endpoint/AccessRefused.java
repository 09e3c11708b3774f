package org.zfleet.endpoint;

/**
 * A request outside what the peer's authenticated identity may do; logged with identity and
 * dataset.
 */
public final class AccessRefused extends RuntimeException {
  private final String identity;
  private final String dataset;
  private final String why;

  public AccessRefused(String identity, String dataset, String why) {
    super("refused " + identity + " access to \"" + dataset + "\": " + why);
    this.identity = identity;
    this.dataset = dataset;
    this.why = why;
  }

  /** The reason alone, without identity and dataset. */
  public String why() {
    return why;
  }

  public String identity() {
    return identity;
  }

  public String dataset() {
    return dataset;
  }
}
