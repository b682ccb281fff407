package dev.tern.server.cli;

import static dev.tern.server.cli.ZoneCommand.FAILED;
import static dev.tern.server.cli.ZoneCommand.OK;
import static dev.tern.server.cli.ZoneCommand.existing;
import static dev.tern.server.cli.ZoneCommand.find;
import static dev.tern.server.cli.ZoneCommand.zoneName;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.Name;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import dev.tern.server.secondary.Primary;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.zone.ZoneKind;

/**
 * The {@code ternctl zone} commands about transfers: a secondary zone and its primaries, and the TSIG key a zone's
 * transfers are signed with. Like every {@code zone} command they edit the database directly, then have a running
 * ternd re-read it.
 */
final class ZoneTransferCommands {
    private ZoneTransferCommands() {
    }

    /** Primaries as written on the command line (ip, ip:port, [v6]:port); a bad one is a usage error. */
    static List<Primary> parse(List<String> primaries) {
        List<Primary> parsed = new ArrayList<>();
        for (String primary : primaries) {
            parsed.add(Primary.parse(primary));
        }
        return parsed;
    }

    /** Has a running ternd re-read the zone list (primaries and keys are read with it); says what happened. */
    static void reloadZoneList(ZoneCommand zone, PrintWriter out) {
        String reply = zone.parent.tellDaemon("reload");
        out.println(reply == null ? "ternd is not running" : "ternd re-read the zone list: " + reply);
    }

    @Command(name = "set-primaries", mixinStandardHelpOptions = true,
            description = "Replace a secondary zone's primaries (ip, ip:port, [v6]:port).")
    static final class SetPrimaries implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PRIMARY")
        List<String> primaries;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                List<Primary> parsed = parse(primaries);
                try (JdbcZoneStore store = zone.open()) {
                    DomainRow row = existing(store, origin);
                    store.setMasters(row, Primary.toColumn(parsed));
                }
                PrintWriter out = zone.spec.commandLine().getOut();
                out.println(origin + ": primaries " + Primary.toColumn(parsed));
                reloadZoneList(zone, out);
                return OK;
            });
        }
    }

    @Command(name = "set-tsig", mixinStandardHelpOptions = true,
            description = "Use a TSIG key for a zone: a secondary zone signs its transfers with it"
                    + " (AXFR-MASTER-TSIG); any other zone allows transfers signed with it (TSIG-ALLOW-AXFR).")
    static final class SetTsig implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                String kind;
                try (JdbcZoneStore store = zone.open()) {
                    DomainRow row = existing(store, origin);
                    SecondaryStore meta = new SecondaryStore(store.dataSource());
                    if (meta.tsigKey(key).isEmpty()) {
                        zone.spec.commandLine().getErr().println("ternctl zone: no TSIG key " + key
                                + " (add it with: ternctl tsig add " + key + " hmac-sha256)");
                        return FAILED;
                    }
                    kind = row.kind() == ZoneKind.SECONDARY ? "AXFR-MASTER-TSIG" : "TSIG-ALLOW-AXFR";
                    meta.setMetadata(row.id(), kind, List.of(key));
                }
                PrintWriter out = zone.spec.commandLine().getOut();
                out.println(origin + ": " + kind + " " + key);
                reloadZoneList(zone, out);
                return OK;
            });
        }
    }

    @Command(name = "create-secondary", mixinStandardHelpOptions = true,
            description = "Create a secondary (SLAVE) zone fed by these primaries (ip, ip:port, [v6]:port).")
    static final class CreateSecondary implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PRIMARY")
        List<String> primaries;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                List<Primary> parsed = parse(primaries);
                try (JdbcZoneStore store = zone.open()) {
                    if (find(store, origin) != null) {
                        zone.spec.commandLine().getErr().println("ternctl zone: " + origin + " exists already");
                        return FAILED;
                    }
                    store.createZone(origin, ZoneKind.SECONDARY, Primary.toColumn(parsed));
                }
                PrintWriter out = zone.spec.commandLine().getOut();
                out.println("created secondary zone " + origin + " with primaries " + Primary.toColumn(parsed));
                zone.reload(origin, out);
                return OK;
            });
        }
    }
}
