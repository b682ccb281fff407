package dev.tern.server.store;

import static dev.tern.server.store.PdnsRecordFormat.bare;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import io.netty.util.NetUtil;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.AFSDBRecord;
import org.xbill.DNS.APLRecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.IPSECKEYRecord;
import org.xbill.DNS.KXRecord;
import org.xbill.DNS.MBRecord;
import org.xbill.DNS.MGRecord;
import org.xbill.DNS.MINFORecord;
import org.xbill.DNS.MRRecord;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.RPRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SVCBBase;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base64;
import dev.tern.server.rdata.ALIASRecord;
import dev.tern.server.rdata.LPRecord;
import dev.tern.server.rdata.RecordTypes;

/**
 * The {@code content} column PowerDNS 4.7 writes for one record (its {@code getZoneRepresentation(noDot=true)}):
 * dnsjava's presentation format, except that embedded names lose their trailing dot, addresses are in RFC 5952
 * form, digests are lower-case hexadecimal and LOC is printed with fixed decimals.
 */
final class PdnsContent {
    /** RFC 9460 14.3.2: the SvcParamKeys PowerDNS 4.7 knows by name, by number. */
    private static final List<String> SVC_PARAM_KEYS = List.of("mandatory", "alpn", "no-default-alpn", "port",
            "ipv4hint", "ech", "ipv6hint");

    private PdnsContent() {
    }

    /** The content PowerDNS writes for a record of a type it knows, other than MX and SRV. */
    static String of(Record record) {
        String text = record.rdataToString();
        switch (record.getType()) {
            case Type.AAAA:
                // RFC 5952 form, as PowerDNS writes it.
                return address(((AAAARecord) record).getAddress());
            case Type.SOA: {
                SOARecord soa = (SOARecord) record;
                return bare(soa.getHost()) + " " + bare(soa.getAdmin()) + " " + soa.getSerial() + " "
                        + soa.getRefresh() + " " + soa.getRetry() + " " + soa.getExpire() + " " + soa.getMinimum();
            }
            case Type.NS:
                return bare(((NSRecord) record).getTarget());
            case Type.CNAME:
                return bare(((CNAMERecord) record).getTarget());
            case Type.PTR:
                return bare(((PTRRecord) record).getTarget());
            case Type.DNAME:
                return bare(((DNAMERecord) record).getTarget());
            case Type.MB:
                return bare(((MBRecord) record).getMailbox());
            case Type.MG:
                return bare(((MGRecord) record).getMailbox());
            case Type.MR:
                return bare(((MRRecord) record).getNewName());
            case RecordTypes.ALIAS:
                return bare(((ALIASRecord) record).getTarget());
            case Type.MINFO: {
                MINFORecord minfo = (MINFORecord) record;
                return bare(minfo.getResponsibleAddress()) + " " + bare(minfo.getErrorAddress());
            }
            case Type.RP: {
                RPRecord rp = (RPRecord) record;
                return bare(rp.getMailbox()) + " " + bare(rp.getTextDomain());
            }
            case Type.AFSDB: {
                AFSDBRecord afsdb = (AFSDBRecord) record;
                return afsdb.getSubtype() + " " + bare(afsdb.getHost());
            }
            case Type.KX: {
                KXRecord kx = (KXRecord) record;
                return kx.getPreference() + " " + bare(kx.getTarget());
            }
            case Type.LP: {
                LPRecord lp = (LPRecord) record;
                return lp.getPreference() + " " + bare(lp.getTarget());
            }
            case Type.NAPTR: {
                // The replacement is the last field.
                Name replacement = ((NAPTRRecord) record).getReplacement();
                return text.substring(0, text.length() - replacement.toString().length()) + bare(replacement);
            }
            case Type.SVCB: case Type.HTTPS:
                return svcb((SVCBBase) record);
            case Type.RRSIG: {
                // type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer, signature
                RRSIGRecord sig = (RRSIGRecord) record;
                String[] fields = text.split(" ", 9);
                fields[0] = PdnsRecordFormat.pdnsTypeName(sig.getTypeCovered());
                fields[7] = bare(sig.getSigner());
                return String.join(" ", fields);
            }
            case Type.IPSECKEY: {
                IPSECKEYRecord key = (IPSECKEYRecord) record;
                Object gateway = key.getGateway();
                // Without a gateway PowerDNS writes no field where RFC 4025 3.1 writes ".", and reads only that.
                String shown = gateway instanceof Name name ? " " + bare(name)
                        : gateway instanceof InetAddress address ? " " + address(address) : "";
                return key.getPrecedence() + " " + key.getGatewayType() + " " + key.getAlgorithmType() + shown
                        + (key.getKey() == null ? "" : " " + base64.toString(key.getKey()));
            }
            case Type.NSEC3: {
                // Salt and next hashed owner in lower case, as PowerDNS prints them from the wire.
                String[] fields = text.split(" ", 6);
                fields[3] = fields[3].toLowerCase(Locale.ROOT);
                fields[4] = fields[4].toLowerCase(Locale.ROOT);
                return String.join(" ", fields);
            }
            case Type.LOC:
                return loc(record.rdataToWireCanonical());
            case Type.APL:
                return apl((APLRecord) record, text);
            case Type.NSEC3PARAM: case Type.DS: case Type.CDS: case Type.DLV: case Type.SSHFP: case Type.TLSA: case Type.SMIMEA:
                // Numbers and hexadecimal only: PowerDNS writes the digest in lower case.
                return text.toLowerCase(Locale.ROOT);
            case Type.NID: case Type.L64:
                // PowerDNS writes the 16-bit groups in upper case.
                return text.toUpperCase(Locale.ROOT);
            default:
                // NSEC keeps the trailing dot on its next name: PowerDNS 4.7 writes it so.
                return text;
        }
    }

    /**
     * PowerDNS's content as dnsjava reads it. The one difference: an IPSECKEY without a gateway, where PowerDNS
     * has no gateway field and dnsjava requires the {@code .} of RFC 4025 3.1.
     */
    static String toPresentation(int type, String content) {
        if (type == Type.IPSECKEY) {
            String[] fields = content.strip().split("\\s+");
            if (fields.length >= 3 && fields[1].equals("0") && (fields.length == 3 || !fields[3].equals("."))) {
                List<String> withGateway = new ArrayList<>(List.of(fields));
                withGateway.add(3, ".");
                return String.join(" ", withGateway);
            }
        }
        return content;
    }

    /**
     * SVCB and HTTPS (RFC 9460 2.1) as PowerDNS 4.7 prints them: keys in number order, named up to ipv6hint and
     * {@code keyNNNN} after, ech and unknown values quoted, IPv6 hints in RFC 5952 form.
     */
    private static String svcb(SVCBBase svcb) {
        StringBuilder text = new StringBuilder().append(svcb.getSvcPriority()).append(' ')
                .append(bare(svcb.getTargetName()));
        for (int key : svcb.getSvcParamKeys()) {
            SVCBBase.ParameterBase parameter = svcb.getSvcParamValue(key);
            String value = parameter.toString();
            if (parameter instanceof SVCBBase.ParameterIpv6Hint hint) {
                value = ipv6Hints(hint);
            } else if (key == SVCBBase.ECH || key >= SVC_PARAM_KEYS.size()) {
                value = "\"" + value + "\"";
            }
            text.append(' ').append(key < SVC_PARAM_KEYS.size() ? SVC_PARAM_KEYS.get(key) : "key" + key);
            if (!value.isEmpty()) {
                text.append('=').append(value);
            }
        }
        return text.toString();
    }

    private static String ipv6Hints(SVCBBase.ParameterIpv6Hint hint) {
        try {
            return hint.getAddresses().stream().map(PdnsContent::address).collect(Collectors.joining(","));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /** LOC as PowerDNS prints it: {@code 52 22 23.000 N 4 53 32.000 E -2.00m 1.00m 10000.00m 10.00m}. */
    private static String loc(byte[] rdata) {
        // RFC 1876 2: version, size, horizontal and vertical precision, latitude, longitude, altitude.
        ByteBuffer in = ByteBuffer.wrap(rdata);
        in.get();
        int size = in.get() & 0xff;
        int horizontal = in.get() & 0xff;
        int vertical = in.get() & 0xff;
        long latitude = Integer.toUnsignedLong(in.getInt());
        long longitude = Integer.toUnsignedLong(in.getInt());
        long altitude = Integer.toUnsignedLong(in.getInt());
        return angle(latitude, 'N', 'S') + " " + angle(longitude, 'E', 'W') + " "
                + centimetres(altitude - 10_000_000L) + " " + centimetres(precision(size)) + " "
                + centimetres(precision(horizontal)) + " " + centimetres(precision(vertical));
    }

    /** An RFC 1876 angle: thousandths of an arc second offset by 2^31. */
    private static String angle(long raw, char positive, char negative) {
        long value = raw - (1L << 31);
        long abs = Math.abs(value);
        return String.format(Locale.ROOT, "%d %d %d.%03d %c", abs / 3_600_000, abs / 60_000 % 60, abs / 1000 % 60,
                abs % 1000, value >= 0 ? positive : negative);
    }

    /** RFC 1876 2: a size or precision in centimetres, base in the high nibble, power of ten in the low. */
    private static long precision(int encoded) {
        long value = encoded >> 4;
        for (int i = 0; i < (encoded & 0xf); i++) {
            value *= 10;
        }
        return value;
    }

    private static String centimetres(long value) {
        long abs = Math.abs(value);
        return (value < 0 ? "-" : "") + abs / 100 + "." + String.format(Locale.ROOT, "%02d", abs % 100) + "m";
    }

    /** APL with IPv6 prefixes in RFC 5952 form; an element of another family keeps dnsjava's text. */
    private static String apl(APLRecord apl, String text) {
        if (!apl.getElements().stream().allMatch(element -> element.address instanceof InetAddress)) {
            return text;
        }
        return apl.getElements().stream()
                .map(element -> (element.negative ? "!" : "") + element.family + ":"
                        + address((InetAddress) element.address) + "/" + element.prefixLength)
                .collect(Collectors.joining(" "));
    }

    private static String address(InetAddress address) {
        return NetUtil.toAddressString(address);
    }
}
