package org.zfleet.protocol;

/**
 * Marks a message that crosses between nodes. The node's Pekko configuration binds this interface
 * to Jackson CBOR, so such messages need no Java serialization (which is switched off). Records
 * implementing it must keep their component names stable across versions that share a cluster.
 */
public interface CborSerializable {}
