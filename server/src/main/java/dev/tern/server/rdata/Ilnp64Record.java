package dev.tern.server.rdata;

import java.io.IOException;
import java.util.Locale;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/**
 * An ILNP record with a preference and a 64-bit value (RFC 6742 2.1 NID, 2.3 L64): in text the preference, then
 * four 16-bit hexadecimal groups joined by colons, {@code 10 0014:4fff:ff20:ee64}.
 */
abstract class Ilnp64Record extends Record {
    private int preference;
    private long value;

    Ilnp64Record() {
    }

    public int getPreference() {
        return preference;
    }

    /** The 64-bit node identifier or locator. */
    public long getValue() {
        return value;
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        preference = in.readU16();
        value = in.readU32() << 32 | in.readU32();
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        preference = st.getUInt16();
        String text = st.getString();
        String[] groups = text.split(":", -1);
        if (groups.length != 4) {
            throw st.exception("'" + text + "' is not a 64-bit ILNP value (expected: four hexadecimal groups"
                    + " joined by ':', RFC 6742 2.1)");
        }
        long parsed = 0;
        for (String group : groups) {
            if (!group.matches("[0-9a-fA-F]{1,4}")) {
                throw st.exception("'" + text + "' is not a 64-bit ILNP value (bad group '" + group + "')");
            }
            parsed = parsed << 16 | Integer.parseInt(group, 16);
        }
        value = parsed;
    }

    @Override
    protected String rrToString() {
        return preference + " " + String.format(Locale.ROOT, "%04x:%04x:%04x:%04x", value >>> 48 & 0xffff,
                value >>> 32 & 0xffff, value >>> 16 & 0xffff, value & 0xffff);
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeU16(preference);
        out.writeU32(value >>> 32);
        out.writeU32(value & 0xffffffffL);
    }
}
