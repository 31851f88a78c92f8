package org.sealpost.errors;

import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.MismatchedDevices;

/** The request's device list differs from the destination's devices (409). */
public final class MismatchedDevicesException extends SealpostException {
  private final MismatchedDevices devices;

  public MismatchedDevicesException(MismatchedDevices devices) {
    super(ErrorCode.MISMATCHED_DEVICES, "device list mismatch: missing "
        + devices.getMissingDevicesList() + ", extra " + devices.getExtraDevicesList());
    if (devices.getMissingDevicesCount() == 0 && devices.getExtraDevicesCount() == 0) {
      throw new IllegalArgumentException("a mismatch needs missing or extra devices");
    }
    this.devices = devices;
  }

  public MismatchedDevices devices() {
    return devices;
  }

  @Override
  public ErrorBody toBody() {
    return super.toBody().toBuilder().setMismatchedDevices(devices).build();
  }
}
