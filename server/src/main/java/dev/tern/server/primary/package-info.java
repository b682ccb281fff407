/**
 * The primary side without scheduling: who a zone's NOTIFY goes to ({@link dev.tern.server.primary.NotifyTargets})
 * and the NOTIFY sender with retries ({@link dev.tern.server.primary.NotifySender}), which reports one outcome per
 * target. Deciding when to notify is {@code events}' job. Uses {@code zone}, {@code acl}, {@code transport}.
 */
package dev.tern.server.primary;
