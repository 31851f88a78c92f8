package org.sealpost.bus;

import com.google.protobuf.GeneratedMessage;
import com.google.protobuf.Parser;
import io.vertx.core.eventbus.EventBus;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.bus.proto.NodeDelivery;
import org.sealpost.bus.proto.PushRequest;
import org.sealpost.protocol.Envelope;

/** Registers a codec for every type sent on the bus. Call once per Vertx, before deploying. */
public final class Codecs {
  private Codecs() {}

  public static void register(EventBus bus) {
    register(bus, DeviceEvent.class, DeviceEvent.parser(), DeviceEvent.getDescriptor().getFullName());
    register(bus, NodeDelivery.class, NodeDelivery.parser(), NodeDelivery.getDescriptor().getFullName());
    register(bus, PushRequest.class, PushRequest.parser(), PushRequest.getDescriptor().getFullName());
    register(bus, Envelope.class, Envelope.parser(), Envelope.getDescriptor().getFullName());
  }

  private static <T extends GeneratedMessage> void register(EventBus bus, Class<T> type, Parser<T> parser, String name) {
    bus.registerDefaultCodec(type, new ProtoCodec<>(name, parser));
  }
}
