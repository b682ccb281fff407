/**
 * Netty UDP and TCP listeners ({@link dev.tern.server.transport.DnsListeners}): epoll with SO_REUSEPORT and one UDP
 * socket per event loop where available, NIO otherwise; TCP on event loops of its own, with length framing and
 * pipelining (RFC 7766), idle and whole-message timeouts ({@code TcpMessageDecoder}), caps on connections in all and
 * per client ({@code ConnectionLimit}), backpressure ({@code TcpHandler}: a client that does not read stops being
 * read), TCP_MAXSEG on the listening socket; UDP sockets that ignore path-MTU information. Uses {@code query} and
 * {@code config}.
 */
package dev.tern.server.transport;
