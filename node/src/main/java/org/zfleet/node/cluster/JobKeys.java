package org.zfleet.node.cluster;

import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Receptionist keys of sink and source jobs, one per job name. */
public final class JobKeys {

  private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

  /**
   * Prefix of every job key. Job names contain no '/', and the Receptionist carries key ids as
   * opaque strings, so prefix + name stays one unambiguous id for every valid job name.
   */
  static final String PREFIX = "zfleet-job/";

  private JobKeys() {}

  /** The key under which the job named {@code jobName} is registered. */
  public static ServiceKey<JobEndpointProtocol> keyFor(String jobName) {
    return ServiceKey.create(JobEndpointProtocol.class, PREFIX + requireValid(jobName));
  }

  /** Returns {@code jobName} if it is a valid job name: letters, digits, '_', '-', '.', ':'. */
  public static String requireValid(String jobName) {
    if (jobName == null || !JOB_NAME.matcher(jobName).matches()) {
      throw new IllegalArgumentException(
          "invalid job name \"" + jobName + "\": use letters, digits, '_', '-', '.' and ':'");
    }
    return jobName;
  }
}
