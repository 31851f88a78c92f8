package org.sealpost.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware garbage: protobuf messages of a given type with hostile field values (empty,
 * huge, negative, wrong-looking numbers and strings, many repeated entries), and byte-level
 * mutations of their encoding. Seeded, so a failure can be replayed.
 */
final class RandomMessages {
  private final Random random;
  private final List<String> interesting;
  private Message currentType;

  RandomMessages(Random random, List<String> interestingStrings) {
    this.random = random;
    this.interesting = interestingStrings;
  }

  /** A message of {@code type} with random fields, nested up to a few levels. */
  Message message(Message type, int depth) {
    Message outer = currentType;
    currentType = type;
    try {
      return fill(type, depth);
    } finally {
      currentType = outer;
    }
  }

  private Message fill(Message type, int depth) {
    Message.Builder builder = type.newBuilderForType();
    for (FieldDescriptor field : type.getDescriptorForType().getFields()) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      if (field.isRepeated()) {
        int count = random.nextInt(200) == 0 ? 500 + random.nextInt(2000) : random.nextInt(4);
        for (int i = 0; i < count; i++) {
          Object value = value(field, depth);
          if (value != null) {
            builder.addRepeatedField(field, value);
          }
        }
      } else {
        Object value = value(field, depth);
        if (value != null) {
          builder.setField(field, value);
        }
      }
    }
    return builder.buildPartial();
  }

  private Object value(FieldDescriptor field, int depth) {
    return switch (field.getJavaType()) {
      case INT -> pick(new Object[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt()});
      case LONG -> pick(new Object[] {0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong()});
      case BOOLEAN -> random.nextBoolean();
      case FLOAT -> random.nextFloat();
      case DOUBLE -> random.nextDouble();
      case STRING -> string();
      case BYTE_STRING -> bytes(random.nextInt(200) == 0 ? 4096 + random.nextInt(60_000) : random.nextInt(64));
      // now and then a number the enum does not define: protobuf keeps it, the server must refuse it
      case ENUM -> random.nextInt(8) == 0
          ? field.getEnumType().findValueByNumberCreatingIfUnknown((Integer) pick(new Object[] {99, -1, 1 << 20}))
          : field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()));
      case MESSAGE -> depth >= 3 ? null : message(nestedType(field), depth + 1);
    };
  }

  private Message nestedType(FieldDescriptor field) {
    return currentType.newBuilderForType().newBuilderForField(field).getDefaultInstanceForType();
  }

  String string() {
    return switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> interesting.get(random.nextInt(interesting.size()));
      case 2 -> "+" + Math.abs(random.nextLong());
      case 3 -> "x".repeat(random.nextInt(50) == 0 ? random.nextInt(10_000) : random.nextInt(40));
      case 4 -> "../../\u0000\uFFFF\uD83D\uDE00%s%n";
      default -> Long.toString(random.nextLong(), 36);
    };
  }

  ByteString bytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** The encoding of a message, often damaged: bits flipped, cut short, or bytes spliced in. */
  ByteString mutate(ByteString encoded) {
    byte[] bytes = encoded.toByteArray();
    switch (random.nextInt(4)) {
      case 0 -> {
        return encoded;
      }
      case 1 -> {
        for (int i = 0; i < 1 + random.nextInt(8) && bytes.length > 0; i++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return ByteString.copyFrom(bytes);
      }
      case 2 -> {
        return encoded.substring(0, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
      }
      default -> {
        return encoded.concat(bytes(1 + random.nextInt(32)));
      }
    }
  }

  private Object pick(Object[] choices) {
    return choices[random.nextInt(choices.length)];
  }
}
