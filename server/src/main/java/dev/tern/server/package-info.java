/**
 * The daemon {@code ternd}: {@link dev.tern.server.Main} reads the flags and the configuration, {@link
 * dev.tern.server.Server} is the composition root, the one place where the store, the zone loader and the
 * listeners are built, started and stopped.
 */
package dev.tern.server;
