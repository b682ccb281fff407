package dev.tern.server.store;

import java.io.IOException;
import java.util.Locale;
import io.netty.util.NetUtil;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * PowerDNS's record format in SQL ({@code ../shared/reference/powerdns.md} 1.3): owner names lower case without
 * the trailing dot (the root is {@code .}), names inside content without trailing dots, MX and SRV priority in
 * {@code prio} and not in {@code content}, {@code prio=0} for every other type, unknown types as {@code TYPEnnn}
 * with RFC 3597 content, DS digests in lower-case hex, the RRSIG signer without its trailing dot.
 */
public final class PdnsRecordFormat {
    private PdnsRecordFormat() {
    }

    /** The owner name as stored: lower case, no trailing dot, the root as {@code .}. */
    public static String ownerColumn(Name name) {
        return bare(name).toLowerCase(Locale.ROOT);
    }

    /** Parses a stored owner name; names in SQL are always absolute. */
    public static Name parseOwner(String column) throws TextParseException {
        return Name.fromString(column, Name.root);
    }

    /** Builds a record from the columns of one row. */
    public static Record toRecord(Name owner, String type, String content, long ttl, int prio) throws IOException {
        int code = Type.value(type, true);
        if (code < 0) {
            throw new IOException("unknown type '" + type + "'");
        }
        String text = content == null ? "" : content;
        if (code == Type.MX || code == Type.SRV) {
            text = prio + " " + text;
        }
        return Record.fromString(owner, code, DClass.IN, ttl, text, Name.root);
    }

    /** The row PowerDNS would write for this record. */
    public static RecordRow toRow(Record record) {
        String type = Type.string(record.getType());
        String content;
        int prio = 0;
        if (record instanceof MXRecord) {
            MXRecord mx = (MXRecord) record;
            prio = mx.getPriority();
            content = bare(mx.getTarget());
        } else if (record instanceof SRVRecord) {
            SRVRecord srv = (SRVRecord) record;
            prio = srv.getPriority();
            content = srv.getWeight() + " " + srv.getPort() + " " + bare(srv.getTarget());
        } else if (record instanceof AAAARecord) {
            // RFC 5952 form, as PowerDNS writes it.
            content = NetUtil.toAddressString(((AAAARecord) record).getAddress());
        } else if (record instanceof SOARecord) {
            SOARecord soa = (SOARecord) record;
            content = bare(soa.getHost()) + " " + bare(soa.getAdmin()) + " " + soa.getSerial() + " "
                    + soa.getRefresh() + " " + soa.getRetry() + " " + soa.getExpire() + " " + soa.getMinimum();
        } else {
            content = contentWithoutTrailingDots(record);
        }
        return new RecordRow(ownerColumn(record.getName()), type, content, record.getTTL(), prio);
    }

    private static String contentWithoutTrailingDots(Record record) {
        String text = record.rdataToString();
        switch (record.getType()) {
            case Type.NS: case Type.CNAME: case Type.PTR: case Type.DNAME: case Type.NAPTR:
                // The last field is a name (for NAPTR, the replacement).
                return stripFinalDot(text);
            case Type.DS: case Type.CDS: case Type.DLV: {
                // key tag, algorithm, digest type, digest: PowerDNS writes the hex digest in lower case.
                String[] parts = text.split(" ", 4);
                if (parts.length == 4) {
                    parts[3] = parts[3].toLowerCase(java.util.Locale.ROOT);
                }
                return String.join(" ", parts);
            }
            case Type.RRSIG: case Type.SIG: {
                // type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer, signature.
                String[] parts = text.split(" ", 9);
                if (parts.length == 9) {
                    parts[7] = stripFinalDot(parts[7]);
                }
                return String.join(" ", parts);
            }
            case Type.SVCB: case Type.HTTPS: case Type.AFSDB: case Type.KX: case Type.RT: {
                // priority, then the target name, then parameters.
                String[] parts = text.split(" ", 3);
                if (parts.length >= 2) {
                    parts[1] = stripFinalDot(parts[1]);
                }
                return String.join(" ", parts);
            }
            default:
                return text;
        }
    }

    private static String stripFinalDot(String text) {
        return text.length() > 1 && text.endsWith(".") && !text.endsWith("\\.")
                ? text.substring(0, text.length() - 1) : text;
    }

    private static String bare(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true);
    }
}
