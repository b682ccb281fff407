package dev.tern.server.rdata;

import java.io.IOException;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * The type bit maps field of NSEC and CSYNC (RFC 4034 4.1.2, RFC 7477 2.1.1): windows of up to 256 types, each a
 * window number, a bitmap length of 1 to 32 and the bitmap. dnsjava's own is not public.
 */
final class TypeBitmap {
    private final SortedSet<Integer> types;

    private TypeBitmap(SortedSet<Integer> types) {
        this.types = Collections.unmodifiableSortedSet(types);
    }

    SortedSet<Integer> types() {
        return types;
    }

    static TypeBitmap fromWire(DNSInput in) throws IOException {
        SortedSet<Integer> types = new TreeSet<>();
        int lastWindow = -1;
        while (in.remaining() > 0) {
            int window = in.readU8();
            int length = in.readU8();
            // RFC 4034 4.1.2: windows in increasing order, each 1-32 octets.
            if (window <= lastWindow) {
                throw new WireParseException("type bitmap: window " + window + " after " + lastWindow);
            }
            if (length < 1 || length > 32) {
                throw new WireParseException("type bitmap: window length " + length + " (expected: 1-32)");
            }
            byte[] bitmap = in.readByteArray(length);
            for (int i = 0; i < length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((bitmap[i] & 0x80 >> bit) != 0) {
                        types.add(window * 256 + i * 8 + bit);
                    }
                }
            }
            lastWindow = window;
        }
        return new TypeBitmap(types);
    }

    /** Reads type mnemonics up to the end of the line. */
    static TypeBitmap fromText(Tokenizer st) throws IOException {
        SortedSet<Integer> types = new TreeSet<>();
        for (Tokenizer.Token token = st.get(); token.isString(); token = st.get()) {
            int type = Type.value(token.value, true);
            if (type < 0) {
                throw st.exception("unknown type '" + token.value + "' in a type bitmap");
            }
            types.add(type);
        }
        st.unget();
        return new TypeBitmap(types);
    }

    void toWire(DNSOutput out) {
        int window = -1;
        byte[] bitmap = new byte[32];
        int length = 0;
        for (int type : types) {
            if (type >> 8 != window) {
                writeWindow(out, window, bitmap, length);
                window = type >> 8;
                bitmap = new byte[32];
            }
            int low = type & 0xff;
            bitmap[low >> 3] |= (byte) (0x80 >> (low & 7));
            length = (low >> 3) + 1;
        }
        writeWindow(out, window, bitmap, length);
    }

    private static void writeWindow(DNSOutput out, int window, byte[] bitmap, int length) {
        if (window >= 0) {
            out.writeU8(window);
            out.writeU8(length);
            out.writeByteArray(bitmap, 0, length);
        }
    }

    @Override
    public String toString() {
        return types.stream().map(Type::string).collect(Collectors.joining(" "));
    }
}
