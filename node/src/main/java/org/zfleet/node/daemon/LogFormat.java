package org.zfleet.node.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;
import org.zfleet.config.NodeConfig;

/**
 * Applies {@code zfleet.node.logging.format}: the human format of logback.xml stays unless the node
 * asks for {@code json}, which swaps the stderr appender's encoder for logback's own {@link
 * JsonEncoder} (one JSON object a line, the MDC's job, filesystem, step and attempt included).
 */
final class LogFormat {

  private LogFormat() {}

  static void apply(NodeConfig.Logging.Format format) {
    if (format != NodeConfig.Logging.Format.JSON
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Appender<ILoggingEvent> appender = root.getAppender("STDERR");
    if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
      return;
    }
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    // Arguments are already in the message; the logger context's properties add nothing.
    encoder.setWithArguments(false);
    encoder.setWithContext(false);
    encoder.setWithSequenceNumber(false);
    encoder.start();
    console.stop();
    console.setEncoder(encoder);
    console.start();
  }
}
