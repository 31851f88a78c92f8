package org.sealpost.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost push-token}: registers where the server wakes this device when messages wait
 * (APNs or FCM token, or a webhook URL), removes it, or shows it.
 */
@Command(name = "push-token", mixinStandardHelpOptions = true,
    description = "Register this device's push token (--type apns|fcm --token T, or --type webhook --url U), "
        + "--remove it, or show it when no option is given.")
public final class PushTokenCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Option(names = "--type", paramLabel = "TYPE", description = "apns, fcm or webhook.")
  String type;

  @Option(names = "--token", paramLabel = "TOKEN", description = "The APNs device token (hex) or FCM registration token.")
  String token;

  @Option(names = "--topic", paramLabel = "BUNDLE_ID", description = "APNs only: the app's bundle id.")
  String topic;

  @Option(names = "--url", paramLabel = "URL", description = "Webhook only: the https URL to POST wake-ups to.")
  String url;

  @Option(names = "--remove", description = "Forget this device's push token.")
  boolean remove;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      if (remove) {
        runtime.await(client.unregisterPush());
        out().println("Push token removed.");
      } else if (type != null) {
        PushType pushType = PushType.valueOf(type.toUpperCase(Locale.ROOT));
        PushToken.Builder registration = PushToken.newBuilder().setType(pushType);
        if (token != null) {
          registration.setToken(token);
        }
        if (topic != null) {
          registration.setTopic(topic);
        }
        if (url != null) {
          registration.setUrl(url);
        }
        runtime.await(client.registerPush(registration.build()));
        out().println("Push token registered (" + pushType.name().toLowerCase(Locale.ROOT) + ").");
      } else {
        var current = runtime.await(client.pushToken());
        out().println(current.map(PushTokenCommand::describe).orElse("No push token registered."));
      }
      return 0;
    });
  }

  private static String describe(PushToken token) {
    String type = token.getType().name().toLowerCase(Locale.ROOT);
    return token.getType() == PushType.WEBHOOK ? type + " " + token.getUrl()
        : type + " " + token.getToken() + (token.getTopic().isEmpty() ? "" : " (topic " + token.getTopic() + ")");
  }
}
