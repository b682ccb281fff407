package dev.tern.server.events;

import org.xbill.DNS.Name;

/** Runs one event of one zone; blocking is fine (it runs on a zone worker), exceptions are logged and dropped. */
@FunctionalInterface
public interface EventHandler {
    void handle(Name zone, EventType type);
}
