package dev.tern.server.answer;

import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * Referrals (RFC 1034 4.3.2 step 3b): a name at or below a zone cut is answered with the NS RRset of the cut in
 * the authority section, AA clear, and the addresses of those name servers that the zone holds (glue) in the
 * additional section. Signed (RFC 4035 3.1.4), the DS RRset of the cut with its RRSIGs goes along, or the proof that
 * there is none.
 */
final class Delegation {
    private Delegation() {
    }

    static void refer(ZoneSnapshot snapshot, Name cut, AnswerEngine.Sections sections) {
        Node node = snapshot.node(cut);
        RRset ns = node.get(Type.NS);
        sections.referral = true;
        sections.authority.add(ns);
        if (sections.dnssec && snapshot.isSigned()) {
            // An unsigned zone proves nothing about its delegations; its DS, if any, is only for a DS question.
            RRset ds = node.get(Type.DS);
            if (ds != null) {
                sections.authority.add(ds);
            } else {
                sections.denial.noDs(cut, sections);
            }
        }
        for (Record record : ns.rrs(false)) {
            Name target = ((NSRecord) record).getTarget();
            if (!target.subdomain(snapshot.origin())) {
                continue;
            }
            Node glue = snapshot.node(target);
            if (glue == null) {
                continue;
            }
            Additional.addAddresses(glue, sections);
        }
    }
}
