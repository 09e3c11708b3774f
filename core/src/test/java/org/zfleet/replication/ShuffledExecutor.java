package org.zfleet.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on a few threads, each time taking a waiting task the seed picks rather than the
 * oldest: steps started together finish in an order the seed decides, so parents and children, and
 * steps of consecutive cycles, complete in random orders. Each thread lets tasks gather for a
 * moment before it picks.
 */
final class ShuffledExecutor extends AbstractExecutorService {

  private final Random random;
  private final List<Runnable> waiting = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean shutdown;

  ShuffledExecutor(long seed, int threadCount) {
    this.random = new Random(seed);
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(this::work, "shuffled-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  @Override
  public synchronized void execute(Runnable task) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    waiting.add(task);
    notifyAll();
  }

  private void work() {
    while (true) {
      Runnable next;
      synchronized (this) {
        while (waiting.isEmpty() && !shutdown) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (shutdown) {
          return;
        }
        try {
          wait(0, 200_000); // let more tasks arrive, so the pick has a choice
        } catch (InterruptedException e) {
          return;
        }
        if (waiting.isEmpty()) {
          continue;
        }
        next = waiting.remove(random.nextInt(waiting.size()));
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        // as a pool thread would: the task's own future reports it
      }
    }
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    notifyAll();
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> left;
    synchronized (this) {
      shutdown();
      left = new ArrayList<>(waiting);
      waiting.clear();
    }
    threads.forEach(Thread::interrupt);
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return isShutdown() && threads.stream().noneMatch(Thread::isAlive);
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedJoin(t, left);
    }
    return isTerminated();
  }
}
