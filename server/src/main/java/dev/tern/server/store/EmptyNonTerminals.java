package dev.tern.server.store;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The empty non-terminals of a set of records: names between the apex and an owner that have no records of their
 * own. PowerDNS writes one row with a NULL type for each ({@code ../shared/reference/powerdns.md} 1.3).
 */
final class EmptyNonTerminals {
    private EmptyNonTerminals() {
    }

    /** The owner columns of the empty non-terminals, sorted. */
    static Set<String> of(Name origin, Collection<Record> records) {
        Set<Name> owners = new HashSet<>();
        for (Record record : records) {
            owners.add(record.getName());
        }
        Set<String> ents = new TreeSet<>();
        for (Name owner : owners) {
            for (int strip = 1; strip < owner.labels() - origin.labels(); strip++) {
                Name ancestor = new Name(owner, strip);
                if (!owners.contains(ancestor)) {
                    ents.add(PdnsRecordFormat.ownerColumn(ancestor));
                }
            }
        }
        return ents;
    }
}
