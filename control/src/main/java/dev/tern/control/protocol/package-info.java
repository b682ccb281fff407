/**
 * The control-socket protocol, byte for byte PowerDNS's ({@code pdns_control}): one command line in, the reply as
 * raw text, then the server closes. {@link dev.tern.control.protocol.ControlRequest} parses a line, {@link
 * dev.tern.control.protocol.ControlClient} sends one. Plain JDK; used by the daemon and by {@code ternctl}.
 */
package dev.tern.control.protocol;
