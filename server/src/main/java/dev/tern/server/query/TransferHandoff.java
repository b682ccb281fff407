package dev.tern.server.query;

import java.net.InetSocketAddress;
import org.xbill.DNS.Message;

/** Where AXFR and IXFR requests received over TCP go: the transfer-out side decides and answers. */
public interface TransferHandoff {
    /**
     * @param query the parsed request (question AXFR or IXFR)
     * @param wire its bytes as received, for TSIG
     * @param client who asked
     * @return a refusal or error as one message, or the transfer as a stream
     */
    TcpResponse transfer(Message query, byte[] wire, InetSocketAddress client);
}
