package dev.deltasync.engine.internal;

import dev.deltasync.engine.snapshot.SnapshotEntry;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The local changes of a sync, by item id and by the path key they leave an item at. */
final class LocalChanges {
  private final Map<String, Pending> byId = new LinkedHashMap<>();
  private final Map<String, String> idByPathKey = new HashMap<>();

  @Nullable Pending get(String id) {
    return byId.get(id);
  }

  /** The pending change whose item ends at {@code pathKey}, if any. */
  @Nullable Pending atPathKey(String pathKey) {
    String id = idByPathKey.get(pathKey);
    return id == null ? null : byId.get(id);
  }

  void put(Pending pending) {
    remove(pending.id());
    byId.put(pending.id(), pending);
    SnapshotEntry after = pending.after();
    if (after != null && after.pathKey() != null) {
      idByPathKey.put(after.pathKey(), pending.id());
    }
  }

  void remove(String id) {
    Pending old = byId.remove(id);
    if (old != null && old.after() != null && old.after().pathKey() != null) {
      idByPathKey.remove(old.after().pathKey(), id);
    }
  }

  Collection<Pending> all() {
    return byId.values();
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }
}
