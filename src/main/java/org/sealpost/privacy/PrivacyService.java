package org.sealpost.privacy;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.BlockList;
import org.sealpost.protocol.ContactsUploadRequest;
import org.sealpost.protocol.ContactsUploadResponse;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.routing.MessagePolicy;
import org.sealpost.store.AccountStore;
import org.sealpost.store.PrivacyStore;

/**
 * An account's choices about who may see and reach it: privacy settings, the uploaded contact
 * list (and which of it is registered), and blocking. Also the policy the message path consults
 * ({@link MessagePolicy}: blocked senders, reciprocal read receipts) and the {@link Blocks} surface.
 */
public final class PrivacyService implements Blocks, MessagePolicy {
  /** Numbers in one contact upload; a contact list is at most this long. */
  static final int MAX_CONTACTS = 5000;
  /** Accounts looked up at once while answering an upload. */
  private static final int LOOKUP_PARALLELISM = 64;

  private final PrivacyStore store;
  private final AccountStore accounts;
  private final RateLimiters limits;

  public PrivacyService(PrivacyStore store, AccountStore accounts, RateLimiters limits) {
    this.store = store;
    this.accounts = accounts;
    this.limits = limits;
  }

  // ------------------------------------------------------------------ settings

  /** The account's settings, the defaults (everyone, read receipts on) when it never set any. */
  public Future<PrivacySettings> settings(String number) {
    return store.settings(number).map(found -> found.orElse(PrivacySettings.getDefaultInstance()));
  }

  public Future<PrivacySettings> putSettings(String number, PrivacySettings settings) {
    if (settings.getLastSeenValue() > 2 || settings.getOnlineValue() > 2) {
      return Future.failedFuture(SealpostException.badRequest("unknown visibility"));
    }
    return store.putSettings(number, settings).map(v -> settings);
  }

  // ------------------------------------------------------------------ contacts

  /**
   * Replaces {@code owner}'s contacts with the upload and answers which of them are registered.
   * Numbers that were not in the previous upload take one permit each of
   * {@link Limit#CONTACT_DISCOVERY_PER_ACCOUNT}: re-uploading a book costs nothing, probing new
   * numbers does (429 when the bucket is empty, and nothing is stored then).
   */
  public Future<ContactsUploadResponse> uploadContacts(String owner, ContactsUploadRequest request) {
    if (request.getNumbersCount() > MAX_CONTACTS) {
      return Future.failedFuture(SealpostException.badRequest("at most " + MAX_CONTACTS + " numbers per upload"));
    }
    Set<String> numbers = new LinkedHashSet<>();
    for (String number : request.getNumbersList()) {
      if (!PhoneNumbers.isValid(number)) {
        return Future.failedFuture(SealpostException.badRequest("not an E.164 number: " + PhoneNumbers.redact(number)));
      }
      if (!number.equals(owner)) {
        numbers.add(number);
      }
    }
    return store.contacts(owner)
        .compose(previous -> {
          Set<String> known = new HashSet<>(previous);
          int fresh = (int) numbers.stream().filter(n -> !known.contains(n)).count();
          return limits.check(Limit.CONTACT_DISCOVERY_PER_ACCOUNT, owner, fresh);
        })
        .compose(v -> store.replaceContacts(owner, numbers))
        .compose(v -> registered(new ArrayList<>(numbers), 0, new ArrayList<>()))
        .map(registered -> ContactsUploadResponse.newBuilder().addAllRegistered(registered).build());
  }

  /** The registered numbers among {@code numbers}, looked up {@value #LOOKUP_PARALLELISM} at a time. */
  private Future<List<String>> registered(List<String> numbers, int from, List<String> found) {
    if (from >= numbers.size()) {
      return Future.succeededFuture(found);
    }
    List<String> group = numbers.subList(from, Math.min(numbers.size(), from + LOOKUP_PARALLELISM));
    List<Future<Boolean>> lookups = group.stream().map(n -> accounts.get(n).map(Optional::isPresent)).toList();
    return Future.all(lookups).compose(all -> {
      for (int i = 0; i < group.size(); i++) {
        if (lookups.get(i).result()) {
          found.add(group.get(i));
        }
      }
      return registered(numbers, from + LOOKUP_PARALLELISM, found);
    });
  }

  public Future<List<String>> contacts(String owner) {
    return store.contacts(owner);
  }

  // ------------------------------------------------------------------ blocking

  public Future<Void> block(String blocker, String blocked) {
    PhoneNumbers.require(blocked, "number");
    if (blocker.equals(blocked)) {
      return Future.failedFuture(SealpostException.badRequest("an account cannot block itself"));
    }
    return store.block(blocker, blocked);
  }

  public Future<Void> unblock(String blocker, String blocked) {
    PhoneNumbers.require(blocked, "number");
    return store.unblock(blocker, blocked);
  }

  public Future<BlockList> blocked(String blocker) {
    return store.blocked(blocker).map(numbers -> BlockList.newBuilder().addAllNumbers(numbers).build());
  }

  @Override
  public Future<Boolean> isBlocked(String blocker, String blocked) {
    return store.isBlocked(blocker, blocked);
  }

  // ------------------------------------------------------------------ policy

  /**
   * A blocked sender gets {@link ErrorCode#BLOCKED}. That tells it it is blocked, which the
   * silence of its messages would tell it anyway; it reveals nothing about the account the sender
   * did not already learn (an unknown number is 404 whether or not anything is blocked).
   */
  @Override
  public Future<Void> checkSend(String sender, String destination) {
    return store.isBlocked(destination, sender).compose(blocked -> blocked
        ? Future.failedFuture(new SealpostException(ErrorCode.BLOCKED, "the recipient does not accept your messages"))
        : Future.succeededFuture());
  }

  @Override
  public Future<Boolean> readReceiptsAllowed(String reader, String sender) {
    return Future.all(settings(reader), settings(sender)).map(both ->
        !both.<PrivacySettings>resultAt(0).getReadReceiptsOff() && !both.<PrivacySettings>resultAt(1).getReadReceiptsOff());
  }

}
