package dev.tern.server.primary;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.config.Netmask;
import dev.tern.server.acl.ZonePolicy;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * Who a zone's NOTIFY goes to: the addresses of its NS hosts except the one its SOA MNAME names (RFC 1996 3.6),
 * port 53, limited to {@code only-notify} and never ourselves; then {@code also-notify} and the zone's
 * {@code ALSO-NOTIFY}, as given. Addresses of NS names inside the zone come from the zone's own data; names outside
 * it are looked up with the system resolver only when {@code only-notify} is not empty.
 */
public final class NotifyTargets {
    private static final Logger logger = LoggerFactory.getLogger(NotifyTargets.class);

    /** Looks a name up; the system resolver in the daemon. */
    public interface Resolver {
        List<InetAddress> addresses(Name name) throws java.io.IOException;
    }

    private final List<InetSocketAddress> alsoNotify;
    private final List<Netmask> onlyNotify;
    private final Predicate<InetSocketAddress> isSelf;
    private final Resolver resolver;

    public NotifyTargets(List<InetSocketAddress> alsoNotify, List<Netmask> onlyNotify,
                         Predicate<InetSocketAddress> isSelf, Resolver resolver) {
        this.alsoNotify = List.copyOf(alsoNotify);
        this.onlyNotify = List.copyOf(onlyNotify);
        this.isSelf = isSelf;
        this.resolver = resolver;
    }

    /** The system resolver, for NS names outside the zone. */
    public static Resolver systemResolver() {
        return name -> List.of(InetAddress.getAllByName(name.toString(true)));
    }

    public List<InetSocketAddress> of(ZoneSnapshot snapshot, ZonePolicy policy) {
        Set<InetSocketAddress> targets = new LinkedHashSet<>();
        RRset ns = snapshot.apexNs();
        if (ns != null && !onlyNotify.isEmpty()) {
            Name mname = snapshot.soa().getHost();
            for (Record record : ns.rrs(false)) {
                Name host = ((NSRecord) record).getTarget();
                if (host.equals(mname)) {
                    continue;
                }
                for (InetAddress address : addresses(snapshot, host)) {
                    InetSocketAddress target = new InetSocketAddress(address, 53);
                    if (allowed(address) && !isSelf.test(target)) {
                        targets.add(target);
                    }
                }
            }
        }
        targets.addAll(alsoNotify);
        targets.addAll(policy.alsoNotify());
        return new ArrayList<>(targets);
    }

    private List<InetAddress> addresses(ZoneSnapshot snapshot, Name host) {
        List<InetAddress> addresses = new ArrayList<>();
        if (host.subdomain(snapshot.origin())) {
            Node node = snapshot.node(host);
            if (node != null) {
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    RRset rrset = node.get(type);
                    if (rrset != null) {
                        for (Record record : rrset.rrs(false)) {
                            addresses.add(record instanceof ARecord ? ((ARecord) record).getAddress()
                                    : ((AAAARecord) record).getAddress());
                        }
                    }
                }
            }
            return addresses;
        }
        try {
            return resolver.addresses(host);
        } catch (java.io.IOException e) {
            logger.warn("[{}] NOTIFY: cannot look up NS host {}: {}; it is not notified", snapshot.origin(), host,
                    e.getMessage());
            return List.of();
        }
    }

    private boolean allowed(InetAddress address) {
        for (Netmask mask : onlyNotify) {
            if (mask.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
