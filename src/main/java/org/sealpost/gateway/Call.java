package org.sealpost.gateway;

import com.google.protobuf.Message;
import java.util.List;
import org.sealpost.store.DeviceKey;

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

  public int intParam(int index) {
    try {
      return Integer.parseInt(params.get(index));
    } catch (NumberFormatException e) {
      throw org.sealpost.errors.SealpostException.badRequest("path parameter '" + params.get(index) + "' is not a number");
    }
  }
}
