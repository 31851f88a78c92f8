package org.sealpost.api;

import com.google.protobuf.Message;
import java.util.List;

/**
 * One API request as a handler sees it, whichever edge (frame connection or HTTP) it came by.
 *
 * @param device the authenticated device, or null on a public route
 * @param params path parameters in order
 * @param body the parsed request message (an empty message when the route takes none)
 * @param clientIp the peer's address, for per-IP limits
 */
public record Call(DeviceKey device, List<String> params, Message body, String clientIp) {

  @SuppressWarnings("unchecked")
  public <T extends Message> T body(Class<T> type) {
    return (T) body;
  }

  /** A device id in the path: 1 or more (ids are given out from 1). */
  public int deviceIdParam(int index) {
    try {
      int id = Integer.parseInt(params.get(index));
      if (id >= 1) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw org.sealpost.errors.SealpostException.badRequest("path parameter '" + params.get(index) + "' is not a device id (1 or more)");
  }
}
