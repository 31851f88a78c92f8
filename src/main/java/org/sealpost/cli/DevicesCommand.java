package org.sealpost.cli;

import java.nio.file.Path;
import java.time.Instant;
import org.sealpost.protocol.DeviceInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sealpost devices}: lists the account's devices, or removes one. */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = "List this account's devices, or remove one (--remove ID: the primary removes any, another device only itself).")
public final class DevicesCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Option(names = "--remove", paramLabel = "ID", description = "Removes the device with this id.")
  Integer remove;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      if (remove != null) {
        runtime.await(client.removeDevice(remove));
        out().println("Removed device " + remove + " of " + client.number() + ".");
        return 0;
      }
      for (DeviceInfo device : runtime.await(client.devices()).getDevicesList()) {
        out().println(device.getDeviceId() + "  " + device.getName() + "  linked "
            + Instant.ofEpochMilli(device.getCreated()) + (device.getDeviceId() == client.deviceId() ? "  (this device)" : ""));
      }
      return 0;
    });
  }
}
