/**
 * Netty UDP and TCP listeners ({@link dev.tern.server.transport.DnsListeners}): epoll with SO_REUSEPORT and one UDP
 * socket per event loop where available, NIO otherwise; TCP length framing with pipelining (RFC 7766), idle timeout,
 * a cap on connections, TCP_MAXSEG on the listening socket; UDP sockets that ignore path-MTU information. Uses
 * {@code query} and {@code config}.
 */
package dev.tern.server.transport;
