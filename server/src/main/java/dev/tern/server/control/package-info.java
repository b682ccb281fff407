/**
 * The control socket's server side: {@link dev.tern.server.control.ControlServer} accepts on a Unix socket and runs
 * each connection on a small worker pool (never on a DNS event loop); {@link
 * dev.tern.server.control.CommandRegistry} maps command words to small command classes. Uses {@code
 * control.protocol}, {@code events}, {@code zone}, {@code store}, {@code metrics}.
 */
package dev.tern.server.control;
