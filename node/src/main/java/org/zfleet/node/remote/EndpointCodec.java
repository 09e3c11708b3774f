package org.zfleet.node.remote;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * Endpoint requests and replies as JSON. Only the types listed on {@link EndpointRequest} and
 * {@link EndpointReply} are made from the wire (no default typing), unknown fields are an error,
 * and the data plane bounds the size before this sees the bytes.
 */
final class EndpointCodec {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new Jdk8Module())
          .registerModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Values travel as their record components, not as derived is-methods (isSnapshot).
          .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);

  private EndpointCodec() {}

  static byte[] write(Object message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /** The request in {@code bytes}; an IllegalArgumentException says what is wrong with it. */
  static EndpointRequest request(byte[] bytes) {
    try {
      return JSON.readValue(bytes, EndpointRequest.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed request: " + firstLine(e.getMessage()));
    }
  }

  static EndpointReply reply(byte[] bytes) throws IOException {
    try {
      return JSON.readValue(bytes, EndpointReply.class);
    } catch (IOException e) {
      throw new IOException("malformed answer: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
