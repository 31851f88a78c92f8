package org.sealpost.gateway;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.sealpost.errors.SealpostException;

/**
 * Refuses request bodies with enum numbers the protocol does not define. Protobuf keeps such a
 * number (as UNRECOGNIZED), so without this it travels into a service and fails there as a 500,
 * or is stored as it came. Checked at the edge for frames and HTTP alike; message types without
 * enum fields anywhere below them are passed over without a look.
 */
final class KnownEnums {
  private static final Map<Descriptor, Boolean> HAS_ENUMS = new ConcurrentHashMap<>();

  private KnownEnums() {}

  /** Throws a 400 naming the first field with an undefined enum number. */
  static void check(Message body) {
    String problem = firstUnknown(body, "");
    if (problem != null) {
      throw SealpostException.badRequest(problem);
    }
  }

  private static String firstUnknown(Message message, String path) {
    Descriptor type = message.getDescriptorForType();
    if (!hasEnums(type)) {
      return null;
    }
    for (FieldDescriptor field : type.getFields()) {
      boolean isEnum = field.getJavaType() == FieldDescriptor.JavaType.ENUM;
      boolean isMessage = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && hasEnums(field.getMessageType());
      if (!isEnum && !isMessage) {
        continue;
      }
      int count = field.isRepeated() ? message.getRepeatedFieldCount(field) : (message.hasField(field) ? 1 : 0);
      for (int i = 0; i < count; i++) {
        Object value = field.isRepeated() ? message.getRepeatedField(field, i) : message.getField(field);
        String problem = isEnum ? unknown(path + field.getName(), (EnumValueDescriptor) value)
            : firstUnknown((Message) value, path + field.getName() + ".");
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String unknown(String field, EnumValueDescriptor value) {
    if (value.getType().findValueByNumber(value.getNumber()) != null) {
      return null;
    }
    return field + " has no value " + value.getNumber() + " (it is one of "
        + value.getType().getValues().stream().map(EnumValueDescriptor::getName).collect(Collectors.joining(", ")) + ")";
  }

  private static boolean hasEnums(Descriptor type) {
    Boolean known = HAS_ENUMS.get(type);
    if (known == null) {
      known = hasEnums(type, new HashSet<>());
      HAS_ENUMS.put(type, known);
    }
    return known;
  }

  private static boolean hasEnums(Descriptor type, Set<Descriptor> visiting) {
    if (!visiting.add(type)) {
      return false; // a recursive type: its fields are being looked at already
    }
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJavaType() == FieldDescriptor.JavaType.ENUM) {
        return true;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && hasEnums(field.getMessageType(), visiting)) {
        return true;
      }
    }
    return false;
  }
}
