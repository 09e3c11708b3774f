package org.zfleet.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.zfleet.model.DatasetName;
import org.zfleet.model.FilesystemVersion;
import org.zfleet.restore.BackupCatalog.Lookup;
import org.zfleet.restore.BackupCatalog.ReceivingRoot;
import org.zfleet.zfs.DatasetListing;

class BackupCatalogTest {

  private static final List<ReceivingRoot> ROOTS =
      List.of(
          new ReceivingRoot("prod_sink", DatasetName.of("backup/sink")),
          new ReceivingRoot("pull_db", DatasetName.of("backup/pull")));

  private static final BackupCatalog CATALOG =
      BackupCatalog.of(
          ROOTS,
          List.of(
              fs("backup/sink"),
              fs("backup/sink/prod1"),
              fs("backup/sink/prod1/tank"),
              fs("backup/sink/prod1/tank/data", "a 1", "b 2", "c 3"),
              fs("backup/sink/prod1/tank/data/my docs", "a 1"),
              fs("backup/sink/web1"),
              fs("backup/sink/web1/tank/data", "x 5"),
              fs("backup/pull/db1/tank/mysql", "m 7"),
              fs("backup/elsewhere/tank/data", "z 9")),
          Map.of(DatasetName.of("backup/sink/prod1/tank/data"), 4096L));

  @Test
  void replicasAreTheDatasetsWithSnapshotsBelowAClientRoot() {
    assertThat(CATALOG.replicas())
        .extracting(r -> r.job() + " " + r.client() + " " + r.original())
        .containsExactly(
            "prod_sink prod1 tank/data",
            "prod_sink prod1 tank/data/my docs",
            "prod_sink web1 tank/data",
            "pull_db db1 tank/mysql");
    Replica data = CATALOG.replicas().get(0);
    assertThat(data.newest().orElseThrow().name()).isEqualTo("c");
    assertThat(data.usedBytes()).isEqualTo(4096);
    assertThat(CATALOG.ofClient(Optional.of("web1"))).hasSize(1);
  }

  @Test
  void aReplicaIsFoundByItsOwnNameWithItsNewestOrNamedSnapshot() {
    assertThat(found("backup/sink/prod1/tank/data", null))
        .isEqualTo("backup/sink/prod1/tank/data@c");
    assertThat(found("backup/sink/prod1/tank/data@b", null))
        .isEqualTo("backup/sink/prod1/tank/data@b");
  }

  @Test
  void aClientsOwnNameFindsItsOnlyReplicaOrAsksWhichOne() {
    assertThat(found("tank/mysql@m", null)).isEqualTo("backup/pull/db1/tank/mysql@m");
    assertThat(found("tank/data", "web1")).isEqualTo("backup/sink/web1/tank/data@x");
    assertThat(notFound("tank/data", null))
        .contains("tank/data is held by 2 replicas")
        .contains("backup/sink/prod1/tank/data (prod1:tank/data, 3 snapshots, newest @c)")
        .contains("backup/sink/web1/tank/data");
  }

  @Test
  void aSnapshotNoSinkHoldsIsAnsweredWithWhatExists() {
    assertThat(notFound("backup/sink/prod1/tank/data@gone", null))
        .isEqualTo(
            "backup/sink/prod1/tank/data has no snapshot @gone; it has (oldest first): a, b, c");
    assertThat(notFound("tank/other@a", null))
        .startsWith("no receiving job on this node holds tank/other; it holds:")
        .contains("backup/pull/db1/tank/mysql (db1:tank/mysql, 1 snapshot, newest @m)");
    assertThat(notFound("backup/elsewhere/tank/data@z", null))
        .startsWith("no receiving job on this node holds backup/elsewhere/tank/data");
    assertThat(notFound("tank/data", "nobody"))
        .isEqualTo(
            "no receiving job on this node holds tank/data of client nobody; it holds no replicas");
    assertThat(notFound("bad@name@x", null)).contains("is not a dataset or snapshot name");
  }

  private static String found(String name, String client) {
    Lookup lookup = CATALOG.find(name, Optional.ofNullable(client));
    assertThat(lookup).isInstanceOf(Lookup.Found.class);
    Lookup.Found f = (Lookup.Found) lookup;
    return f.replica().dataset() + "@" + f.snapshot().name();
  }

  private static String notFound(String name, String client) {
    Lookup lookup = CATALOG.find(name, Optional.ofNullable(client));
    assertThat(lookup).isInstanceOf(Lookup.NotFound.class);
    return ((Lookup.NotFound) lookup).message();
  }

  /** A filesystem with snapshots written "name txg" (guid = txg * 100). */
  static DatasetListing fs(String name, String... snapshots) {
    List<FilesystemVersion> versions =
        java.util.Arrays.stream(snapshots)
            .map(s -> s.split(" "))
            .map(
                p ->
                    FilesystemVersion.snapshot(
                        p[0],
                        Long.parseLong(p[1]) * 100,
                        Long.parseLong(p[1]),
                        Instant.parse("2026-12-01T00:00:00Z").plusSeconds(Long.parseLong(p[1]))))
            .toList();
    return new DatasetListing(
        DatasetName.of(name), DatasetListing.Type.FILESYSTEM, versions, Map.of(), Map.of());
  }
}
