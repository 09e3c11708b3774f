package org.zfleet.node.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import org.zfleet.transfer.ProgressListener;
import org.zfleet.transfer.TransferProgress;

/**
 * A transfer's progress on the terminal: bytes and rate, rewritten in place on a terminal, one line
 * per report (every second) otherwise.
 */
final class ProgressPrinter implements ProgressListener {

  private final PrintWriter err;
  private final boolean terminal;
  private volatile boolean printed;

  ProgressPrinter(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public void onProgress(TransferProgress progress) {
    String line =
        "  "
            + Bytes.human(progress.bytes())
            + " at "
            + Bytes.human(progress.bytesPerSecond())
            + "/s, "
            + seconds(progress.elapsed());
    synchronized (err) {
      if (terminal) {
        err.print("\r" + line + "   ");
      } else {
        err.println(line);
      }
      err.flush();
      printed = true;
    }
  }

  /** Ends the line rewritten in place. */
  void end() {
    synchronized (err) {
      if (terminal && printed) {
        err.println();
        err.flush();
      }
      printed = false;
    }
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  static long rate(long bytes, Duration took) {
    return (long) (bytes / Math.max(0.001, took.toMillis() / 1000.0));
  }
}
