package org.sealpost.client;

import com.google.protobuf.Empty;
import io.vertx.core.Future;
import org.sealpost.protocol.AccountExport;
import org.sealpost.protocol.DeleteAccountRequest;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKeyCount;

/**
 * The SDK side of the account itself on the server: its devices and link codes, this device's
 * key count, and the account's export and deletion ({@code account.proto}, {@code devices}).
 */
final class AccountClient {
  private final ServerApi api;
  private final String password;

  AccountClient(ServerApi api, String password) {
    this.api = api;
    this.password = password;
  }

  Future<LinkCode> createLinkCode() {
    return api.call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser());
  }

  Future<DeviceList> devices() {
    return api.call("GET", "/v1/devices", Empty.getDefaultInstance(), DeviceList.parser());
  }

  Future<Void> removeDevice(int deviceId) {
    return api.call("DELETE", "/v1/devices/" + deviceId, Empty.getDefaultInstance(), Empty.parser()).mapEmpty();
  }

  Future<PreKeyCount> serverKeyCount() {
    return api.call("GET", "/v1/keys/count", Empty.getDefaultInstance(), PreKeyCount.parser());
  }

  Future<DeletionCodeResponse> requestDeletionCode() {
    return api.call("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance(),
        DeletionCodeResponse.parser());
  }

  /** Deletion is confirmed by this device's password as well as the code. */
  Future<Void> deleteAccount(String code) {
    DeleteAccountRequest request = DeleteAccountRequest.newBuilder().setPassword(password).setCode(code).build();
    return api.call("DELETE", "/v1/accounts/me", request, Empty.parser()).mapEmpty();
  }

  Future<AccountExport> exportAccount() {
    return api.call("GET", "/v1/accounts/me/export", Empty.getDefaultInstance(), AccountExport.parser());
  }
}
