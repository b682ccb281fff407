package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;

/** sd_notify datagrams reach a socket that stands in for systemd's, by path and in the abstract namespace. */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    private EventLoopGroup group;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Binds a datagram socket like systemd's notification socket and collects what arrives. */
    private Channel listen(String path) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        received.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(path)).sync().channel();
    }

    @Test
    void readyReachesASocketGivenByPath() throws Exception {
        String path = dir.resolve("notify").toString();
        Channel systemd = listen(path);
        try {
            new SystemdNotify(path).send("READY=1\nSTATUS=serving 1 zones on port 53");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("READY=1\nSTATUS=serving 1 zones on port 53");
        } finally {
            systemd.close().sync();
        }
    }

    @Test
    void anAtSignNamesASocketInTheAbstractNamespace() throws Exception {
        String name = "tern-notify-test-" + ThreadLocalRandom.current().nextLong(1L << 40);
        Channel systemd = listen("\0" + name);
        try {
            new SystemdNotify("@" + name).send("STOPPING=1");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("STOPPING=1");
        } finally {
            systemd.close().sync();
        }
    }

    @Test
    void aSocketThatIsNotThereIsAnIoException() {
        SystemdNotify notifier = new SystemdNotify(dir.resolve("nobody").toString());
        assertThatThrownBy(() -> notifier.send("READY=1")).isInstanceOf(IOException.class);
    }

    @Test
    void anEmptySocketNameIsRejected() {
        assertThatThrownBy(() -> new SystemdNotify("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected:");
    }
}
