package org.zfleet.node.remote;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.zfleet.job.NodeContext;
import org.zfleet.job.StepActor;
import org.zfleet.job.StepControl;
import org.zfleet.job.StepId;
import org.zfleet.job.StepKind;
import org.zfleet.job.StepResult;
import org.zfleet.job.StepWork;
import org.zfleet.node.dataplane.TransferRunner;

/**
 * The transfers other nodes ask of this one, each a {@link StepActor} child: a sink's receive
 * (incoming) or a source's send (outgoing), under the node's watchdog (stalled after {@code
 * stallTimeout} without progress, like any step) and its transfer gate, publishing the same job
 * events. The status lists them with their peer.
 */
public final class PeerTransfers extends AbstractBehavior<PeerTransfers.Command> {

  public sealed interface Command {}

  /** Runs {@code work}; {@code started} and {@code result} say how it goes. Local only. */
  public record Run(
      StepId id,
      String peer,
      StepWork work,
      StepControl control,
      CompletableFuture<Void> started,
      CompletableFuture<StepResult> result)
      implements Command {}

  public record Cancel(StepId id, String reason) implements Command {}

  public record GetTransfers(ActorRef<List<PeerTransfer>> replyTo) implements Command {}

  private record Ended(StepActor.Report report) implements Command {}

  private record Stopped(StepId id) implements Command {}

  /** One running transfer as the status shows it. */
  public record PeerTransfer(
      String direction,
      String peer,
      String job,
      String dataset,
      String phase,
      long bytes,
      Instant since) {}

  private record Running(Run run, ActorRef<StepActor.Command> step, Instant since) {}

  private final NodeContext node;
  private final Duration stallTimeout;
  private final ActorRef<StepActor.Report> reports;
  private final Map<StepId, Running> running = new LinkedHashMap<>();

  public static Behavior<Command> create(NodeContext node, Duration stallTimeout) {
    return Behaviors.setup(ctx -> new PeerTransfers(ctx, node, stallTimeout));
  }

  /** The transfers' runner for code outside the actor system (the data plane's threads). */
  public static PeerSteps steps(ActorRef<Command> transfers) {
    return (id, peer, work) -> {
      StepControl control = new StepControl();
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<StepResult> result = new CompletableFuture<>();
      transfers.tell(new Run(id, peer, work, control, started, result));
      return new TransferRunner.Running() {
        @Override
        public CompletionStage<Void> started() {
          return started;
        }

        @Override
        public CompletionStage<StepResult> result() {
          return result;
        }

        @Override
        public void cancel(String reason) {
          transfers.tell(new Cancel(id, reason));
        }
      };
    };
  }

  private PeerTransfers(ActorContext<Command> ctx, NodeContext node, Duration stallTimeout) {
    super(ctx);
    this.node = node;
    this.stallTimeout = stallTimeout;
    this.reports = ctx.messageAdapter(StepActor.Report.class, Ended::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(Stopped.class, this::onStopped)
        .onMessage(GetTransfers.class, this::onGetTransfers)
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    StepWork work =
        control -> {
          run.started().complete(null);
          return run.work().run(control);
        };
    StepActor.Setup setup =
        new StepActor.Setup(
            run.id(),
            stallTimeout,
            node.watchdog(),
            node.transferGate(),
            node.blocking(),
            node.clock());
    ActorRef<StepActor.Command> step =
        getContext().spawnAnonymous(StepActor.create(setup, work, run.control(), reports));
    getContext().watchWith(step, new Stopped(run.id()));
    running.put(run.id(), new Running(run, step, node.clock().instant()));
    return this;
  }

  /** A step that stopped without its report (it should not): its caller must not wait for ever. */
  private Behavior<Command> onStopped(Stopped stopped) {
    Running r = running.remove(stopped.id());
    if (r != null) {
      getContext().getLog().warn("peer transfer stopped without a report {}", stopped.id());
      IllegalStateException why = new IllegalStateException("the transfer's step stopped");
      r.run().started().completeExceptionally(why);
      r.run().result().completeExceptionally(why);
    }
    return this;
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    Running r = running.get(cancel.id());
    if (r != null) {
      r.step().tell(new StepActor.Cancel(cancel.reason()));
    }
    return this;
  }

  private Behavior<Command> onEnded(Ended ended) {
    Running r = running.remove(ended.report().id());
    if (r == null) {
      return this;
    }
    if (ended.report() instanceof StepActor.Finished finished) {
      r.run().result().complete(finished.result());
    } else {
      StepActor.Failed failed = (StepActor.Failed) ended.report();
      IllegalStateException why = new IllegalStateException(failed.reason(), failed.cause());
      r.run().started().completeExceptionally(why);
      r.run().result().completeExceptionally(failed.cause() != null ? failed.cause() : why);
    }
    return this;
  }

  private Behavior<Command> onGetTransfers(GetTransfers get) {
    List<PeerTransfer> list = new ArrayList<>();
    running.forEach(
        (id, r) ->
            list.add(
                new PeerTransfer(
                    id.kind() == StepKind.SEND ? "outgoing" : "incoming",
                    r.run().peer(),
                    id.job(),
                    id.filesystem(),
                    r.run().control().progress().phase(),
                    r.run().control().progress().bytes(),
                    r.since())));
    get.replyTo().tell(List.copyOf(list));
    return this;
  }
}
