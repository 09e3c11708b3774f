package org.zfleet.zfs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Test hooks of {@link InMemoryZfs} for actor and transfer tests: count the commands run, fail the
 * next commands of a kind, make sends stall mid-stream until released or trickle slowly.
 */
public final class ModelHooks {

  /** The kinds of commands, one per {@code zfs} subcommand the CLI adapter would run. */
  public enum Op {
    LIST,
    GET,
    SET,
    INHERIT,
    CREATE,
    SNAPSHOT,
    DESTROY,
    HOLD,
    RELEASE,
    HOLDS,
    BOOKMARK,
    ROLLBACK,
    SEND,
    RECEIVE,
    CLONE
  }

  private final Map<Op, Integer> counts = new EnumMap<>(Op.class);
  private final Map<Op, Deque<Function<String, ? extends ZfsException>>> failures =
      new EnumMap<>(Op.class);
  private boolean sendsStalled;
  private Predicate<String> stalledSubjects = subject -> true;
  private int stalledNow;
  private int slowChunkBytes = Integer.MAX_VALUE;
  private Duration slowPause = Duration.ZERO;

  /** How many commands of {@code op} ran (one per process the CLI adapter would start). */
  public synchronized int count(Op op) {
    return counts.getOrDefault(op, 0);
  }

  public synchronized int totalCount() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  public synchronized void resetCounts() {
    counts.clear();
  }

  /** The next {@code times} commands of {@code op} fail with {@link ZfsException.Failed}. */
  public void failNext(Op op, int times) {
    failNext(op, times, message -> new ZfsException.Failed(message, List.of(), "injected"));
  }

  /**
   * The next {@code times} commands of {@code op} fail with the error made from the message. A
   * failing send ends its stream halfway and then fails; a failing receive fails when its stdin is
   * closed, leaving the target unchanged; other commands throw before changing anything.
   */
  public synchronized void failNext(
      Op op, int times, Function<String, ? extends ZfsException> error) {
    Deque<Function<String, ? extends ZfsException>> queue =
        failures.computeIfAbsent(op, o -> new ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(error);
    }
  }

  /** From now on every send blocks after half its stream until {@link #releaseSends()}. */
  public synchronized void stallSends() {
    stallSends(subject -> true);
  }

  /**
   * From now on the sends whose snapshot ({@code pool/fs@snap}) matches block after half their
   * stream until {@link #releaseSends()}; other sends run on.
   */
  public synchronized void stallSends(Predicate<String> snapshots) {
    stalledSubjects = snapshots;
    sendsStalled = true;
  }

  /** How many sends are blocked mid-stream right now. */
  public synchronized int stalledSends() {
    return stalledNow;
  }

  public synchronized void releaseSends() {
    sendsStalled = false;
    notifyAll();
  }

  /** Waits until {@code n} sends are blocked mid-stream; false if that did not happen in time. */
  public synchronized boolean awaitStalledSends(int n, Duration timeout)
      throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (stalledNow < n) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Sends hand out at most {@code chunkBytes} per read, pausing before each chunk. */
  public synchronized void slowSends(int chunkBytes, Duration pause) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be at least 1");
    }
    slowChunkBytes = chunkBytes;
    slowPause = pause;
  }

  /** Counts one command and returns the failure injected for it, or null. */
  synchronized ZfsException command(Op op, String subject) {
    counts.merge(op, 1, Integer::sum);
    Deque<Function<String, ? extends ZfsException>> queue = failures.get(op);
    if (queue == null || queue.isEmpty()) {
      return null;
    }
    return queue
        .poll()
        .apply("zfs " + op.name().toLowerCase() + " " + subject + ": injected failure");
  }

  /**
   * Called by a send stream before it hands out bytes at {@code position} of {@code length}: blocks
   * while sends are stalled and the stream is past its middle, then paces slow sends. Returns how
   * many bytes it may hand out now, or -1 if it was killed while waiting.
   */
  int beforeChunk(ModelSendProcess send, long position, long length) throws InterruptedException {
    Duration pause;
    long chunk;
    long half = length / 2;
    synchronized (this) {
      boolean stalls = sendsStalled && stalledSubjects.test(send.subject());
      if (stalls && position >= half && !send.killed()) {
        stalledNow++;
        notifyAll();
        try {
          while (sendsStalled && !send.killed()) {
            wait();
          }
        } finally {
          stalledNow--;
        }
      }
      if (send.killed()) {
        return -1;
      }
      pause = slowPause;
      chunk = slowChunkBytes;
      if (stalls && position < half) {
        // Stop exactly in the middle, however much the reader asks for.
        chunk = Math.min(chunk, half - position);
      }
    }
    if (!pause.isZero()) {
      Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
    }
    return (int) chunk;
  }

  /** Wakes sends waiting in {@link #beforeChunk} so a killed one can end. */
  synchronized void wake() {
    notifyAll();
  }
}
