package dev.tern.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import dev.tern.config.Settings;
import dev.tern.control.cli.TernCtl;
import dev.tern.server.acl.Keyring;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.TsigKey;

/** {@code ternctl tsig ...}: the {@code tsigkeys} table, edited directly as {@code pdnsutil} does. */
@Command(name = "tsig", mixinStandardHelpOptions = true, description = "Manage TSIG keys in the database.",
        subcommands = {TsigCommand.Add.class, TsigCommand.ListKeys.class, TsigCommand.Delete.class})
final class TsigCommand {
    private static final List<String> ALGORITHMS = List.of("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256",
            "hmac-sha384", "hmac-sha512");

    @ParentCommand
    TernCtl parent;

    @Option(names = "--database", paramLabel = "FILE",
            description = "The SQLite database (default: gsqlite3-database of --config)")
    Path database;

    @Spec
    CommandSpec spec;

    int run(StoreBody body) {
        Path file = database != null ? database : Path.of(parent.settings().get(Settings.GSQLITE3_DATABASE));
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(file, parent.settings().get(Settings.GSQLITE3_BUSY_TIMEOUT),
                parent.settings().get(Settings.DEFAULT_TTL))) {
            int code = body.run(new SecondaryStore(store.dataSource()), spec.commandLine().getOut());
            if (code == 0) {
                // A running daemon re-reads keys at its next poll; ask for it now.
                parent.tellDaemon("reload");
            }
            return code;
        } catch (StoreException e) {
            spec.commandLine().getErr().println("ternctl tsig: " + e.getMessage());
            return 1;
        }
    }

    interface StoreBody {
        int run(SecondaryStore store, PrintWriter out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a key; without SECRET a random one of the algorithm's size is generated and printed.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        TsigCommand tsig;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ALGORITHM", description = "hmac-sha256, hmac-sha512, ...")
        String algorithm;

        @Parameters(index = "2", arity = "0..1", paramLabel = "SECRET", description = "base64")
        String secret;

        @Override
        public Integer call() {
            String lower = algorithm.toLowerCase(Locale.ROOT);
            if (!ALGORITHMS.contains(lower)) {
                tsig.spec.commandLine().getErr().println("ternctl tsig: unknown algorithm " + algorithm
                        + " (expected: " + String.join(", ", ALGORITHMS) + ")");
                return 2;
            }
            String key = secret;
            if (key == null) {
                int bits = lower.equals("hmac-md5") ? 128 : lower.equals("hmac-sha1") ? 160
                        : Integer.parseInt(lower.substring("hmac-sha".length()));
                byte[] random = new byte[bits / 8];
                new SecureRandom().nextBytes(random);
                key = Base64.getEncoder().encodeToString(random);
            }
            try {
                Keyring.toTsig(name, lower, key);
            } catch (RuntimeException e) {
                tsig.spec.commandLine().getErr().println("ternctl tsig: unusable secret: " + e.getMessage());
                return 2;
            }
            String secretText = key;
            return tsig.run((store, out) -> {
                store.addTsigKey(new TsigKey(name, lower, secretText));
                out.println(name + " " + lower + " " + secretText);
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys with their secrets.")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        TsigCommand tsig;

        @Override
        public Integer call() {
            return tsig.run((store, out) -> {
                for (TsigKey key : store.tsigKeys()) {
                    out.println(key.name() + " " + key.algorithm() + " " + key.secret());
                }
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a key.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        TsigCommand tsig;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return tsig.run((store, out) -> {
                if (!store.deleteTsigKey(name)) {
                    tsig.spec.commandLine().getErr().println("ternctl tsig: no key " + name);
                    return 1;
                }
                out.println("deleted " + name);
                return 0;
            });
        }
    }
}
