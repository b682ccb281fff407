package dev.tern.server.query;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.answer.Answer;

/**
 * What the server says about itself, as PowerDNS's {@code version-string} and {@code server-id} settings decide:
 * the CH-class TXT answers to {@code version.bind}, {@code version.server} (RFC 4892) and {@code version.pdns}, to
 * {@code id.server} and {@code hostname.bind}, and the EDNS NSID option (RFC 5001).
 *
 * <p>A hidden version answers SERVFAIL ({@code version-string=anonymous}); a hidden server id answers REFUSED and
 * adds no NSID ({@code server-id=disabled}): both as PowerDNS does. Any other CH question is REFUSED.
 */
public final class ServerIdentity {
    /** RFC 4892 and PowerDNS: both names answer the same text; so do BIND's older names. */
    private static final Set<Name> VERSION_NAMES = names("version.bind.", "version.server.", "version.pdns.");
    private static final Set<Name> ID_NAMES = names("id.server.", "hostname.bind.");
    /** PowerDNS answers these with TTL 5. */
    private static final long TTL = 5;
    private static final int TXT_STRING_MAX = 255;

    private final byte[] version;
    private final byte[] id;
    private final List<EDNSOption> nsid;

    /**
     * @param version the text of the version answers, or null to answer them SERVFAIL
     * @param id the text of the id answers and the NSID, or null to answer REFUSED and send no NSID
     */
    private ServerIdentity(String version, String id) {
        this.version = version == null ? null : version.getBytes(StandardCharsets.UTF_8);
        this.id = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
        this.nsid = id == null ? List.of() : List.of(new NSIDOption(this.id));
    }

    /**
     * The identity the settings describe.
     *
     * @param versionString {@code full}, {@code powerdns}, {@code anonymous}, or the text to answer
     * @param serverId empty for the host name, {@code disabled}, or the text to answer
     * @param ternVersion the version of this Tern, for {@code full}
     * @param hostName the host name, for an empty {@code serverId}
     */
    public static ServerIdentity of(String versionString, String serverId, String ternVersion, String hostName) {
        requireNonNull(versionString, "versionString");
        requireNonNull(serverId, "serverId");
        requireNonNull(ternVersion, "ternVersion");
        requireNonNull(hostName, "hostName");
        String version;
        switch (versionString) {
            case "full":
                version = "Tern " + ternVersion;
                break;
            case "powerdns":
                // PowerDNS's "product but not version" mode ("Served by PowerDNS - https://www.powerdns.com/").
                version = "Served by Tern";
                break;
            case "anonymous":
                version = null;
                break;
            default:
                version = versionString;
        }
        String id = serverId.equals("disabled") ? null : serverId.isEmpty() ? hostName : serverId;
        return new ServerIdentity(version, id);
    }

    /** An identity that tells nothing: version SERVFAIL, id REFUSED, no NSID. */
    public static ServerIdentity hidden() {
        return new ServerIdentity(null, null);
    }

    /**
     * This host's name as {@code gethostname(2)} gives it, which PowerDNS uses as its default server id; read from
     * {@code /proc} on Linux, without asking a resolver; elsewhere from Java, which may.
     */
    public static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The answer to a question of class CH. */
    public Answer answer(Name qname, int qtype) {
        if (qtype != Type.TXT && qtype != Type.ANY) {
            return Answer.of(Rcode.REFUSED);
        }
        byte[] text;
        if (VERSION_NAMES.contains(qname)) {
            if (version == null) {
                return Answer.of(Rcode.SERVFAIL);
            }
            text = version;
        } else if (ID_NAMES.contains(qname)) {
            if (id == null) {
                return Answer.of(Rcode.REFUSED);
            }
            text = id;
        } else {
            return Answer.of(Rcode.REFUSED);
        }
        RRset txt = new RRset(Record.newRecord(qname, Type.TXT, DClass.CH, TTL, txtRdata(text)));
        return new Answer(Rcode.NOERROR, true, false, List.of(txt), List.of(), List.of());
    }

    /**
     * The options to add to the answer's OPT record: the NSID when the query asked for it with an empty NSID option
     * (RFC 5001 2.1) and the server id is not disabled; otherwise none.
     */
    public List<EDNSOption> nsid(OPTRecord queryOpt) {
        if (nsid.isEmpty() || queryOpt == null) {
            return List.of();
        }
        for (EDNSOption option : queryOpt.getOptions(EDNSOption.Code.NSID)) {
            // toWire() is code (2 bytes), length (2 bytes), then the data: a request has no data.
            if (option.toWire().length == 4) {
                return nsid;
            }
        }
        return List.of();
    }

    /**
     * TXT RDATA holding the text as it is, bytes not escapes, in strings of at most 255 bytes (RFC 1035 3.3.14);
     * an empty text is one empty string.
     */
    private static byte[] txtRdata(byte[] text) {
        int strings = Math.max(1, (text.length + TXT_STRING_MAX - 1) / TXT_STRING_MAX);
        byte[] rdata = new byte[text.length + strings];
        int at = 0;
        for (int from = 0; from < text.length || at == 0; from += TXT_STRING_MAX) {
            int length = Math.min(TXT_STRING_MAX, text.length - from);
            rdata[at++] = (byte) length;
            System.arraycopy(text, from, rdata, at, length);
            at += length;
        }
        return rdata;
    }

    private static Set<Name> names(String... names) {
        Name[] parsed = new Name[names.length];
        for (int i = 0; i < names.length; i++) {
            parsed[i] = Name.fromConstantString(names[i]);
        }
        return Set.of(parsed);
    }
}
