package org.sealpost.errors;

import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.StaleDevices;

/** Devices whose registration id changed since the sender's session was built (410). */
public final class StaleDevicesException extends SealpostException {
  private final StaleDevices devices;

  public StaleDevicesException(StaleDevices devices) {
    super(ErrorCode.STALE_DEVICES, "stale devices: " + devices.getStaleDevicesList());
    if (devices.getStaleDevicesCount() == 0) {
      throw new IllegalArgumentException("stale devices must not be empty");
    }
    this.devices = devices;
  }

  public StaleDevices devices() {
    return devices;
  }

  @Override
  public ErrorBody toBody() {
    return super.toBody().toBuilder().setStaleDevices(devices).build();
  }
}
