package dev.tern.server.store;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SVCBBase;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base16;
import dev.tern.server.rdata.RecordTypes;

/**
 * PowerDNS's record format in SQL ({@code ../shared/reference/powerdns.md} 1.3): owner names lower case without
 * the trailing dot (the root is {@code .}), names inside content without trailing dots, MX and SRV priority in
 * {@code prio} and not in {@code content}, {@code prio=0} for every other type, types PowerDNS does not know as
 * {@code TYPEnnn} with RFC 3597 content. {@link #toRow} writes what PowerDNS 4.7 writes after an AXFR (checked
 * against {@code pdns_server} and {@code pdnsutil} by {@code PdnsRecordFormatTest}); {@link #toRecord} also reads
 * the looser text {@code pdnsutil load-zone} leaves.
 */
public final class PdnsRecordFormat {
    static {
        RecordTypes.register();
    }

    /** The types PowerDNS 4.7 has a record class for; it stores any other as {@code TYPEnnn}. */
    private static final Set<Integer> POWERDNS_TYPES = Set.of(Type.A, Type.NS, Type.CNAME, Type.SOA, Type.MB,
            Type.MG, Type.MR, Type.PTR, Type.HINFO, Type.MINFO, Type.MX, Type.TXT, Type.RP, Type.AFSDB, Type.KEY,
            Type.AAAA, Type.LOC, Type.SRV, Type.NAPTR, Type.KX, Type.CERT, Type.DNAME, Type.APL, Type.DS,
            Type.SSHFP, Type.IPSECKEY, Type.RRSIG, Type.NSEC, Type.DNSKEY, Type.DHCID, Type.NSEC3, Type.NSEC3PARAM,
            Type.TLSA, Type.SMIMEA, Type.CDS, Type.CDNSKEY, Type.OPENPGPKEY, Type.CSYNC, Type.ZONEMD, Type.SVCB,
            Type.HTTPS, Type.SPF, Type.NID, Type.L32, Type.L64, Type.LP, Type.EUI48, Type.EUI64, Type.URI,
            Type.CAA, Type.DLV, Type.RKEY, RecordTypes.ALIAS);

    private static final Pattern CAA_TAG = Pattern.compile("[A-Za-z0-9]+");

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

    /**
     * Builds a record from the columns of one row. Names in content are absolute with or without the trailing dot,
     * as PowerDNS reads them: {@code pdnsutil load-zone} leaves a relative name of most types as written, and
     * PowerDNS then serves it as a name under the root; so does Tern.
     *
     * @throws IOException when the type is unknown or the content does not parse as that type
     */
    public static Record toRecord(Name owner, String type, String content, long ttl, int prio) throws IOException {
        int code = Type.value(type, true);
        if (code < 0) {
            throw new IOException("unknown type '" + type + "'");
        }
        if (content != null && content.indexOf('\n') >= 0) {
            // dnsjava's tokenizer ends the record at a line break and ignores the rest without a word.
            throw new TextParseException("a line break in the content");
        }
        String text = content == null ? "" : PdnsContent.toPresentation(code, content);
        if (code == Type.MX || code == Type.SRV) {
            text = prio + " " + text;
        }
        try {
            Record record = Record.fromString(owner, code, DClass.IN, ttl, text, Name.root);
            // dnsjava takes some bad text without a word and fails only when the record is written: an SVCB ech
            // value that is not base64 is kept as null. Writing it once here makes that row broken, not a query.
            byte[] rdata = record.rdataToWireCanonical();
            if ((code == Type.TXT || code == Type.SPF) && rdata.length == 0) {
                // RFC 1035 3.3.14: one or more strings. dnsjava reads empty content as none, which toRow writes as
                // "", one empty string: not the same record.
                throw new TextParseException("no string (expected: at least one, \"\" for an empty one)");
            }
            if (record instanceof CAARecord caa && !CAA_TAG.matcher(caa.getTag()).matches()) {
                // RFC 8659 4.1.1: letters and digits. dnsjava takes any tag (tbs\ with an escaped space) and
                // prints it unescaped.
                throw new TextParseException("CAA tag '" + caa.getTag() + "' (expected: letters and digits only)");
            }
            if (record instanceof SVCBBase svcb && svcb.getSvcParamValue(SVCBBase.ALPN)
                    instanceof SVCBBase.ParameterAlpn alpn && alpn.getValues().contains("")) {
                // RFC 7301 3.1: protocol ids are never empty. dnsjava takes "alpn=,h2" and prints it as "alpn=h2".
                throw new TextParseException("an empty ALPN protocol id in '" + alpn + "'");
            }
            return record;
        } catch (RuntimeException e) {
            // Some of dnsjava's rdata parsers throw unchecked exceptions for bad text (NumberFormatException for an
            // SVCB port of "84!43", ArrayIndexOutOfBoundsException for LOC seconds of "4634."): a row that does not
            // parse is an IOException, whatever parser saw it and however it failed.
            TextParseException bad = new TextParseException(e.getMessage() == null ? e.toString() : e.getMessage());
            bad.initCause(e);
            throw bad;
        }
    }

    /**
     * What a parser said was wrong, without the parser's position prefix ({@code <none>:1: }), starting lower case,
     * for a sentence about the row.
     */
    public static String problem(Exception e) {
        String message = e.getMessage() == null ? "no reason given" : e.getMessage();
        message = message.replaceAll("^(<none>:\\d+: )+", "").trim();
        if (message.isEmpty()) {
            return "no reason given";
        }
        return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    /** The row PowerDNS would write for this record. */
    public static RecordRow toRow(Record record) {
        int code = record.getType();
        String owner = ownerColumn(record.getName());
        if (!POWERDNS_TYPES.contains(code)) {
            return new RecordRow(owner, "TYPE" + code, unknown(record), record.getTTL(), 0);
        }
        if (record instanceof MXRecord mx) {
            return new RecordRow(owner, "MX", bare(mx.getTarget()), record.getTTL(), mx.getPriority());
        }
        if (record instanceof SRVRecord srv) {
            return new RecordRow(owner, "SRV", srv.getWeight() + " " + srv.getPort() + " " + bare(srv.getTarget()),
                    record.getTTL(), srv.getPriority());
        }
        return new RecordRow(owner, pdnsTypeName(code), PdnsContent.of(record), record.getTTL(), 0);
    }

    /** PowerDNS's name of a type: its mnemonic when it knows the type, else {@code TYPEnnn}. */
    static String pdnsTypeName(int type) {
        return POWERDNS_TYPES.contains(type) ? Type.string(type) : "TYPE" + type;
    }

    /** RFC 3597 5 generic content, {@code \# 4 0a000001}, with the rdata exactly as on the wire. */
    private static String unknown(Record record) {
        byte[] wire = record.toWire(Section.ANSWER);
        int start = record.getName().length() + 10;
        byte[] rdata = java.util.Arrays.copyOfRange(wire, start, wire.length);
        return rdata.length == 0 ? "\\# 0" : "\\# " + rdata.length + " " + base16.toString(rdata)
                .toLowerCase(Locale.ROOT);
    }

    static String bare(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true);
    }
}
