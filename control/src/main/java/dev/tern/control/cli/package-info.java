/**
 * {@code ternctl}, the operator's command line (Picocli): {@link dev.tern.control.cli.TernCtl} and its subcommands
 * talk to the daemon over the control socket with {@link dev.tern.control.protocol.ControlClient}. Exit codes are
 * documented in {@link dev.tern.control.cli.ExitCodes}.
 */
package dev.tern.control.cli;
