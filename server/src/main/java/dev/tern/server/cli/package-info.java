/**
 * The {@code ternctl} launched from the daemon's jars: the control-socket commands of {@code dev.tern.control.cli}
 * plus the commands that edit the database directly, as {@code pdnsutil} does ({@link
 * dev.tern.server.cli.ZoneCommand}), so zones can be provisioned before the first start. Uses {@code store},
 * {@code zone}, {@code secondary} (primary lists), {@code config}.
 */
package dev.tern.server.cli;
