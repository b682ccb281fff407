package dev.tern.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import dev.tern.config.Settings;
import dev.tern.control.cli.TernCtl;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.StoreException;
import dev.tern.server.zone.ZoneCheckException;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneSnapshotBuilder;

/**
 * {@code ternctl zone ...}: edits zones in the database directly, each change in one transaction, in PowerDNS's
 * format; then asks a running ternd to reload the zone so the change is served (and notified) at once.
 */
@Command(name = "zone", mixinStandardHelpOptions = true,
        description = "Edit zones in the database directly (works without a running ternd).",
        subcommands = {ZoneCommand.Create.class, ZoneCommand.Load.class, ZoneTransferCommands.CreateSecondary.class,
                ZoneCommand.ListZones.class, ZoneCommand.Show.class, ZoneCommand.Check.class,
                ZoneTransferCommands.SetPrimaries.class, ZoneTransferCommands.SetTsig.class, ZoneCommand.Delete.class})
final class ZoneCommand {
    static final int OK = 0;
    static final int FAILED = 1;

    @ParentCommand
    TernCtl parent;

    @Option(names = "--database", paramLabel = "FILE",
            description = "The SQLite database (default: gsqlite3-database of --config)")
    Path database;

    @Spec
    CommandSpec spec;

    JdbcZoneStore open() {
        Path file = database != null ? database : Path.of(parent.settings().get(Settings.GSQLITE3_DATABASE));
        return JdbcZoneStore.openSqlite(file, parent.settings().get(Settings.GSQLITE3_BUSY_TIMEOUT),
                parent.settings().get(Settings.DEFAULT_TTL));
    }

    static Name zoneName(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new ZoneCommand()),
                    "'" + text + "' is not a zone name");
        }
    }

    static DomainRow find(JdbcZoneStore store, Name name) {
        for (DomainRow row : store.domains()) {
            if (row.name().equals(name)) {
                return row;
            }
        }
        return null;
    }

    /** The zone's row; a zone that is not there ends the command with exit code 1 and says so. */
    static DomainRow existing(JdbcZoneStore store, Name name) {
        DomainRow row = find(store, name);
        if (row == null) {
            throw new MissingZoneException(name + " is not in the database");
        }
        return row;
    }

    /** A command named a zone that the database does not hold. */
    static final class MissingZoneException extends RuntimeException {
        MissingZoneException(String message) {
            super(message);
        }
    }

    /** Asks a running daemon to reload the zone; says what happened. */
    void reload(Name name, PrintWriter out) {
        String reply = parent.tellDaemon("reload " + name);
        if (reply == null) {
            out.println("ternd is not running; the change is served from its next start");
        } else if (reply.startsWith("Ok")) {
            out.println("ternd reloaded " + name);
        } else {
            out.println("ternd did not reload " + name + ": " + reply);
        }
    }

    /** Runs an edit; store failures become one line and exit code 1. */
    int edit(Callable<Integer> body) {
        try {
            return body.call();
        } catch (StoreException | ZoneCheckException | MissingZoneException e) {
            spec.commandLine().getErr().println("ternctl zone: " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            spec.commandLine().getErr().println("ternctl zone: failed unexpectedly: "
                    + dev.tern.server.zone.Problems.describe(e));
            return FAILED;
        }
    }

    /** What ternd serves otherwise than stored: each row it cannot read, and a need for online signing. */
    static List<String> problems(ZoneSnapshot snapshot) {
        List<String> problems = new ArrayList<>(snapshot.brokenRows());
        snapshot.signingProblem().ifPresent(problems::add);
        return problems;
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Replace a zone's records with a master file (checked first; one transaction). Creates"
                    + " the zone (NATIVE, or --kind) when it does not exist.")
    static final class Load implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Option(names = "--kind", paramLabel = "native|primary", defaultValue = "native",
                description = "Kind of a zone created by this load (default: ${DEFAULT-VALUE})")
        String kind;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                List<Record> records = new ArrayList<>();
                RecordTypes.register();
                try (Master master = new Master(Files.newInputStream(file), origin, 3600)) {
                    for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                        records.add(record);
                    }
                } catch (IOException e) {
                    zone.spec.commandLine().getErr().println("ternctl zone load: " + file + ": " + e.getMessage());
                    return FAILED;
                }
                ZoneSnapshotBuilder check = new ZoneSnapshotBuilder(origin);
                records.forEach(check::add);
                ZoneSnapshot snapshot = check.build();
                PrintWriter out = zone.spec.commandLine().getOut();
                try (JdbcZoneStore store = zone.open()) {
                    DomainRow row = find(store, origin);
                    if (row == null) {
                        row = store.createZone(origin, ZoneKind.fromColumn(kind), null);
                    }
                    store.replaceRecords(row, records);
                }
                out.println("loaded " + origin + ": serial " + snapshot.serial() + ", " + records.size() + " records");
                zone.reload(origin, out);
                return OK;
            });
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a zone with a generated SOA (serial YYYYMMDD01) and the given NS records.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Option(names = "--ns", paramLabel = "NAME", required = true,
                description = "A name server of the zone (repeat for several); the first is the SOA MNAME")
        List<String> nameServers;

        @Option(names = "--kind", paramLabel = "native|primary", defaultValue = "native",
                description = "Kind of the zone (default: ${DEFAULT-VALUE})")
        String kind;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                List<Name> servers = new ArrayList<>();
                for (String server : nameServers) {
                    servers.add(Name.fromString(server, origin));
                }
                String serial = java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                        .format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + "01";
                List<Record> records = new ArrayList<>();
                records.add(new org.xbill.DNS.SOARecord(origin, org.xbill.DNS.DClass.IN, 3600, servers.get(0),
                        Name.fromString("hostmaster", origin), Long.parseLong(serial), 10800, 3600, 604800, 3600));
                for (Name server : servers) {
                    records.add(new org.xbill.DNS.NSRecord(origin, org.xbill.DNS.DClass.IN, 3600, server));
                }
                try (JdbcZoneStore store = zone.open()) {
                    if (find(store, origin) != null) {
                        zone.spec.commandLine().getErr().println("ternctl zone: " + origin + " exists already");
                        return FAILED;
                    }
                    store.replaceRecords(store.createZone(origin, ZoneKind.fromColumn(kind), null), records);
                }
                PrintWriter out = zone.spec.commandLine().getOut();
                out.println("created " + origin + " (" + ZoneKind.fromColumn(kind).column() + "), serial " + serial);
                zone.reload(origin, out);
                return OK;
            });
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a zone's data as ternd would load it; exit 1 listing every row that cannot be read,"
                    + " or when the zone would need online signing.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                try (JdbcZoneStore store = zone.open()) {
                    DomainRow row = existing(store, origin);
                    ZoneSnapshot snapshot = store.load(row);
                    PrintWriter out = zone.spec.commandLine().getOut();
                    List<String> problems = problems(snapshot);
                    if (problems.isEmpty()) {
                        out.println(origin + ": ok, serial " + snapshot.serial() + ", " + snapshot.recordCount()
                                + " records");
                        return OK;
                    }
                    int broken = snapshot.brokenRows().size();
                    out.println(origin + ": served with problems, serial " + snapshot.serial() + ", "
                            + snapshot.recordCount() + " records" + (broken == 0 ? "" : ", " + broken + " row"
                            + (broken == 1 ? "" : "s") + " that cannot be read")
                            + (snapshot.signingProblem().isPresent() ? ", served unsigned" : ""));
                    problems.forEach(problem -> out.println("  " + problem));
                    return FAILED;
                }
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the zones in the database.")
    static final class ListZones implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                try (JdbcZoneStore store = zone.open()) {
                    List<DomainRow> rows = new ArrayList<>(store.domains());
                    rows.sort(Comparator.comparing(DomainRow::name));
                    for (DomainRow row : rows) {
                        zone.spec.commandLine().getOut().println(row.name() + " " + row.kind().column()
                                + (row.masters() == null || row.masters().isBlank() ? "" : " " + row.masters()));
                    }
                }
                return OK;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a zone's records as a zone file.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                try (JdbcZoneStore store = zone.open()) {
                    DomainRow row = existing(store, origin);
                    ZoneSnapshot snapshot = store.load(row);
                    PrintWriter out = zone.spec.commandLine().getOut();
                    for (String problem : problems(snapshot)) {
                        zone.spec.commandLine().getErr().println("ternctl zone show: " + problem);
                    }
                    out.println(snapshot.soa());
                    List<Record> records = new ArrayList<>();
                    snapshot.forEachRecord(record -> {
                        if (record.getType() != org.xbill.DNS.Type.SOA) {
                            records.add(record);
                        }
                    });
                    records.sort(java.util.Comparator.comparing(Record::getName)
                            .thenComparingInt(Record::getRRsetType).thenComparing(Record::toString));
                    records.forEach(out::println);
                }
                return OK;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a zone with its records, metadata and state.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        ZoneCommand zone;

        @Parameters(index = "0", paramLabel = "ZONE")
        String name;

        @Override
        public Integer call() {
            return zone.edit(() -> {
                Name origin = zoneName(name);
                try (JdbcZoneStore store = zone.open()) {
                    DomainRow row = existing(store, origin);
                    store.deleteZone(row);
                }
                PrintWriter out = zone.spec.commandLine().getOut();
                out.println("deleted " + origin);
                String reply = zone.parent.tellDaemon("reload");
                out.println(reply == null ? "ternd is not running" : "ternd re-read the zone list: " + reply);
                return OK;
            });
        }
    }
}
