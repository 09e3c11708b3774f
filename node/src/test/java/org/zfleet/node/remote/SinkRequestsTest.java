package org.zfleet.node.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zfleet.config.SinkJob;
import org.zfleet.model.DatasetName;
import org.zfleet.node.remote.EndpointReply.Done;
import org.zfleet.node.remote.EndpointReply.Failed;
import org.zfleet.node.remote.EndpointReply.Listed;
import org.zfleet.node.remote.EndpointReply.Refused;
import org.zfleet.node.remote.EndpointReply.SinkDescribed;
import org.zfleet.node.tls.NodeIdentity;
import org.zfleet.plan.ReceiverLayout;
import org.zfleet.transfer.Transfers;
import org.zfleet.zfs.DatasetListing;
import org.zfleet.zfs.InMemoryZfs;

/**
 * A sink answers each client as the node its connection's certificate names (the {@code peer}
 * here), only in that node's subtree, and answers every request: with its result, a refusal that
 * says why, or the ZFS error. Run over the in-memory ZFS.
 */
@Timeout(30)
class SinkRequestsTest {

  private static final DatasetName ROOT = DatasetName.of("dst/sink");
  private static final DatasetName ALPHA_DATA = DatasetName.of("dst/sink/alpha/data");
  private static final DatasetName BETA_DATA = DatasetName.of("dst/sink/beta/data");
  private static final SinkJob SINK = new SinkJob("sink", ROOT, List.of("alpha", "beta"));

  private final InMemoryZfs zfs = new InMemoryZfs().createPools("dst");
  private EndpointRequests endpoint;

  @BeforeEach
  void sink() {
    zfs.createFilesystem(ROOT, Map.of(), false);
    zfs.createFilesystem(ALPHA_DATA, ReceiverLayout.replicaProperties(), true);
    zfs.createFilesystem(BETA_DATA, ReceiverLayout.replicaProperties(), true);
    zfs.snapshot(List.of(ALPHA_DATA, BETA_DATA), "s1");
    zfs.snapshot(List.of(ALPHA_DATA, BETA_DATA), "s2");
    endpoint = endpoint(EndpointRequests.MAX_ANSWER);
  }

  private EndpointRequests endpoint(int maxAnswer) {
    return new EndpointRequests(
        "backup1",
        List.of(SINK),
        List.of(),
        new SinkRequests("backup1", zfs, Transfers.none()),
        new SourceRequests("backup1", zfs, (p, h, s, o, l) -> null, (id, peer, work) -> null),
        maxAnswer);
  }

  private EndpointReply ask(String peer, EndpointRequest request) {
    // Through the codec, as the data plane hands it over.
    byte[] answer = endpoint.answer(NodeIdentity.of(peer), EndpointCodec.write(request));
    try {
      return EndpointCodec.reply(answer);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void describesTheCallersOwnRoot() {
    assertThat(ask("beta", new EndpointRequest.DescribeSink("sink")))
        .isEqualTo(new SinkDescribed("backup1", "sink", DatasetName.of("dst/sink/beta"), false));
  }

  @Test
  void aNodeThatIsNotAClientIsRefusedForEveryRequest() {
    assertThat(ask("gamma", new EndpointRequest.DescribeSink("sink")))
        .isEqualTo(new Refused("gamma", "dst/sink/gamma", "not a client of sink sink"));
    assertThat(ask("gamma", new EndpointRequest.ListSink("sink", Set.of())))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "gamma",
                new EndpointRequest.CreatePlaceholder("sink", "dst/sink/gamma/x", Map.of())))
        .isInstanceOf(Refused.class);
    assertThat(ask("gamma", new EndpointRequest.DestroySnapshot("sink", "dst/sink/alpha/data@s1")))
        .isInstanceOf(Refused.class);
    assertThat(zfs.exists(DatasetName.of("dst/sink/gamma"))).as("nothing written").isFalse();
    assertThat(versions(ALPHA_DATA)).containsExactly("s1", "s2");
  }

  @Test
  void aClientAsksForAndAbortsPartialReceivesInItsOwnSubtreeOnly() {
    assertThat(ask("beta", new EndpointRequest.ResumeState("sink", BETA_DATA.value())))
        .as("no partial receive on beta's replica")
        .isEqualTo(new EndpointReply.ResumeState("", 0));
    assertThat(ask("alpha", new EndpointRequest.ResumeState("sink", BETA_DATA.value())))
        .isInstanceOf(Refused.class);
    assertThat(ask("alpha", new EndpointRequest.AbortPartialReceive("sink", BETA_DATA.value())))
        .isInstanceOf(Refused.class);
    assertThat(ask("gamma", new EndpointRequest.ResumeState("sink", "dst/sink/gamma/x")))
        .isInstanceOf(Refused.class);
    assertThat(versions(BETA_DATA)).containsExactly("s1", "s2");
  }

  @Test
  void aListingHoldsOnlyTheCallersSubtree() {
    EndpointReply reply = ask("alpha", new EndpointRequest.ListSink("sink", Set.of("zfleet:role")));

    List<DatasetListing> datasets = ((Listed) reply).datasets();
    assertThat(datasets)
        .extracting(d -> d.name().value())
        .containsExactly("dst/sink/alpha", "dst/sink/alpha/data");
    assertThat(datasets.get(1).properties()).containsEntry("zfleet:role", "replica");
    assertThat(datasets.get(1).versions()).extracting(v -> v.name()).containsExactly("s1", "s2");
  }

  @Test
  void writesIntoAnotherClientsSubtreeAreRefusedAndChangeNothing() {
    assertThat(
            ask(
                "alpha",
                new EndpointRequest.CreatePlaceholder("sink", "dst/sink/beta/x", Map.of())))
        .isEqualTo(new Refused("alpha", "dst/sink/beta/x", "outside dst/sink/alpha"));
    assertThat(ask("alpha", new EndpointRequest.DestroySnapshot("sink", "dst/sink/beta/data@s1")))
        .isEqualTo(new Refused("alpha", "dst/sink/beta/data@s1", "outside dst/sink/alpha"));
    assertThat(ask("alpha", new EndpointRequest.SetProperty("sink", "dst/sink", "zfleet:x", "y")))
        .isEqualTo(new Refused("alpha", "dst/sink", "outside dst/sink/alpha"));

    assertThat(zfs.exists(DatasetName.of("dst/sink/beta/x"))).isFalse();
    assertThat(versions(BETA_DATA)).containsExactly("s1", "s2");
    assertThat(zfs.getUserProperty("dst/sink", "zfleet:x")).isEmpty();
  }

  @Test
  void aClientMayNotDestroyTheNewestSnapshotOfItsReplica() {
    assertThat(ask("alpha", new EndpointRequest.DestroySnapshot("sink", "dst/sink/alpha/data@s2")))
        .isInstanceOfSatisfying(
            Refused.class,
            r -> assertThat(r.reason()).contains("newest snapshot of dst/sink/alpha/data"));
    assertThat(ask("alpha", new EndpointRequest.DestroySnapshot("sink", "dst/sink/alpha/data@s1")))
        .isInstanceOf(Done.class);
    assertThat(versions(ALPHA_DATA)).containsExactly("s2");
  }

  @Test
  void badNamesAreRefusedWithTheReasonAndWriteNothing() {
    for (String bad :
        List.of(
            "dst/sink/alpha/a@b",
            "dst/sink/alpha/../beta",
            "dst/sink/alpha/-x",
            "dst/sink/alpha/a#b",
            "dst/sink/alpha/a%b",
            "dst/sink/alpha/a\nb",
            "dst/sink/alpha/a\u0000b")) {
      assertThat(ask("alpha", new EndpointRequest.CreatePlaceholder("sink", bad, Map.of())))
          .as(bad)
          .isInstanceOfSatisfying(
              Refused.class, r -> assertThat(r.reason()).startsWith("invalid dataset name"));
    }
    assertThat(ask("alpha", new EndpointRequest.CreatePlaceholder("sink", null, Map.of())))
        .isInstanceOf(Refused.class);
    assertThat(ask("alpha", new EndpointRequest.DestroySnapshot("sink", "dst/sink/alpha/data")))
        .isInstanceOf(Refused.class);
    assertThat(
            ask(
                "alpha",
                new EndpointRequest.SetProperty(
                    "sink", "dst/sink/alpha/data", "mountpoint", "/etc")))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).contains("mountpoint"));
    assertThat(
            ask(
                "alpha",
                new EndpointRequest.SetProperty("sink", "dst/sink/alpha/data", "canmount", "on")))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).contains("canmount"));
    assertThat(ask("alpha", new EndpointRequest.ListSink("sink", null)))
        .isInstanceOf(Refused.class);
    assertThat(ask("alpha", new EndpointRequest.ListSink("sink", Set.of("used"))))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.reason()).contains("\"used\""));
    for (String job : List.of("", "../sink", "-sink", "si nk", "sink@x", "nothere")) {
      assertThat(ask("alpha", new EndpointRequest.DescribeSink(job)))
          .as(job)
          .isInstanceOf(Refused.class);
    }
    assertThat(zfs.list(List.of(ROOT), Set.of())).hasSize(5);
  }

  @Test
  void aRefusalIsLoggedWithTheCallersCertifiedName() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(EndpointRequests.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try {
      ask("gamma", new EndpointRequest.CreatePlaceholder("sink", "dst/sink/alpha/x", Map.of()));
      ask("alpha", new EndpointRequest.CreatePlaceholder("sink", "dst/sink/alpha/-x", Map.of()));
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list)
        .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "refused sink=sink identity=gamma dataset=\"dst/sink/gamma\" reason=\"not a client of sink sink\"",
            "refused sink=sink identity=alpha dataset=\"\" reason=\"invalid dataset name \"dst/sink/alpha/-x\": component \"-x\" begins with '-' and could be read as an option\"");
  }

  @Test
  void malformedAndOversizedRequestBytesAreRefused() throws Exception {
    for (String text :
        List.of(
            "",
            "not json",
            "{}",
            "{\"request\":\"no-such-request\",\"job\":\"sink\"}",
            "{\"request\":\"describe-sink\",\"job\":\"sink\",\"extra\":1}",
            "{\"request\":\"describe-sink\",\"job\":\"sink\"} trailing",
            "{\"request\":\"create-placeholder\",\"job\":\"sink\",\"dataset\":{\"@class\":\"java.io.File\"}}")) {
      EndpointReply reply =
          EndpointCodec.reply(
              endpoint.answer(NodeIdentity.of("alpha"), text.getBytes(StandardCharsets.UTF_8)));
      assertThat(reply).as(text).isInstanceOf(Refused.class);
      assertThat(((Refused) reply).identity()).isEqualTo("alpha");
    }
  }

  @Test
  void aClientMaySetNoNativePropertyOnAPlaceholderButCanmountOff() {
    EndpointReply mounted =
        ask(
            "alpha",
            new EndpointRequest.CreatePlaceholder(
                "sink", "dst/sink/alpha/p", Map.of("mountpoint", "/etc")));
    EndpointReply placeholder =
        ask(
            "alpha",
            new EndpointRequest.CreatePlaceholder(
                "sink", "dst/sink/alpha/q", ReceiverLayout.placeholderProperties()));

    assertThat(mounted)
        .isEqualTo(
            new Refused(
                "alpha",
                "dst/sink/alpha/p",
                "a client may not set mountpoint=/etc on a placeholder"));
    assertThat(zfs.exists(DatasetName.of("dst/sink/alpha/p"))).isFalse();
    assertThat(placeholder).isInstanceOf(Done.class);
    assertThat(zfs.getUserProperty("dst/sink/alpha/q", "zfleet:role")).contains("placeholder");
  }

  @Test
  void aListingTooLargeToSendFailsAndSaysWhy() {
    endpoint = endpoint(300);
    for (int i = 3; i <= 10; i++) {
      zfs.snapshot(List.of(ALPHA_DATA), "s" + i);
    }

    EndpointReply reply = ask("alpha", new EndpointRequest.ListSink("sink", Set.of()));

    assertThat(reply)
        .isInstanceOfSatisfying(
            Failed.class,
            failed ->
                assertThat(failed.message())
                    .startsWith("the answer takes ")
                    .endsWith(
                        " bytes, more than the 300 a node may send; prune the receiver or split the job"));
    assertThat(ask("alpha", new EndpointRequest.DescribeSink("sink")))
        .as("small answers still go")
        .isInstanceOf(SinkDescribed.class);
  }

  private List<String> versions(DatasetName fs) {
    return zfs.list(List.of(fs), Set.of()).get(0).versions().stream().map(v -> v.name()).toList();
  }
}
