package org.zfleet.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zfleet.model.SnapshotName;

/** A job's send flags reach every send and estimate it makes, and only those. */
class SendFlagsPortTest {

  private final List<SendRequest> sent = new ArrayList<>();
  private final List<String> other = new ArrayList<>();

  /** A port with OpenZFS's capabilities that records what it is asked. */
  private ZfsPort recording() {
    return (ZfsPort)
        Proxy.newProxyInstance(
            ZfsPort.class.getClassLoader(),
            new Class<?>[] {ZfsPort.class},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "capabilities":
                  return ZfsCapabilities.openZfs();
                case "send":
                  sent.add((SendRequest) args[0]);
                  return null;
                case "estimateSendSize":
                  sent.add((SendRequest) args[0]);
                  return OptionalLong.of(1);
                case "encrypted":
                  other.add("encrypted " + args[0]);
                  return args[0].toString().contains("secret");
                default:
                  other.add(method.getName());
                  return null;
              }
            });
  }

  private static final SnapshotName S = SnapshotName.parse("pool/fs@s");

  @Test
  void everySendAndEstimateCarriesTheJobsFlagsBesideItsOwn() {
    ZfsPort job = SendFlagsPort.of(recording(), Set.of(SendFlag.COMPRESSED, SendFlag.LARGE_BLOCKS));

    job.send(SendRequest.full(S));
    job.estimateSendSize(SendRequest.full(S).withFlags(Set.of(SendFlag.RAW)));
    job.snapshot(List.of(S.dataset()), "t");

    assertThat(sent)
        .extracting(SendRequest::flags)
        .containsExactly(
            Set.of(SendFlag.COMPRESSED, SendFlag.LARGE_BLOCKS),
            Set.of(SendFlag.COMPRESSED, SendFlag.LARGE_BLOCKS, SendFlag.RAW));
    assertThat(other).containsExactly("snapshot");
  }

  @Test
  void withoutFlagsTheNodesPortIsUsedAsItIs() {
    ZfsPort node = recording();

    assertThat(SendFlagsPort.of(node, Set.of())).isSameAs(node);
  }

  @Test
  void aZfsWithoutTheFlagIsRefusedAtOnceNamingIt() {
    assertThatThrownBy(() -> SendFlagsPort.of(new InMemoryZfs(), Set.of(SendFlag.RAW)))
        .isInstanceOf(ZfsException.Unsupported.class)
        .hasMessageContaining("raw (zfs send -w)")
        .hasMessageContaining("OpenZFS");
  }

  @Test
  void rawAutoSendsEncryptedFilesystemsRawAndTheOthersPlain() {
    ZfsPort job = SendFlagsPort.of(recording(), Set.of(SendFlag.COMPRESSED), true);
    SnapshotName secret = SnapshotName.parse("pool/secret@s");

    job.send(SendRequest.full(secret));
    job.send(SendRequest.full(S));
    job.estimateSendSize(SendRequest.full(secret));

    assertThat(sent)
        .extracting(SendRequest::flags)
        .containsExactly(
            Set.of(SendFlag.COMPRESSED, SendFlag.RAW),
            Set.of(SendFlag.COMPRESSED),
            Set.of(SendFlag.COMPRESSED, SendFlag.RAW));
    assertThat(other)
        .containsExactly("encrypted pool/secret", "encrypted pool/fs", "encrypted pool/secret");
  }

  @Test
  void rawAutoOnAZfsWithoutEncryptionAsksNothingAndSendsPlain() {
    ZfsPort zfsFuse = new InMemoryZfs();

    assertThat(SendFlagsPort.of(zfsFuse, Set.of(), true)).isSameAs(zfsFuse);
  }

  @Test
  void rawOnAsksNothingMore() {
    ZfsPort job = SendFlagsPort.of(recording(), Set.of(SendFlag.RAW), true);

    job.send(SendRequest.full(S));

    assertThat(sent).extracting(SendRequest::flags).containsExactly(Set.of(SendFlag.RAW));
    assertThat(other).isEmpty();
  }
}
