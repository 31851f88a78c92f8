package org.sealpost.client;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A group as this device sees it.
 *
 * @param id the server's group id
 * @param name the decrypted name, when this device holds the group's master key
 * @param members member numbers, longest-standing first
 * @param admins the members who administer the group
 * @param revision the group's revision (one more with every change)
 */
public record GroupInfo(String id, Optional<String> name, List<String> members, Set<String> admins, long revision) {

  /** The name, or the id when the name is unknown. */
  public String displayName() {
    return name.orElse(id);
  }
}
