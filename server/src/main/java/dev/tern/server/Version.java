package dev.tern.server;

import picocli.CommandLine.IVersionProvider;

/** The version of Tern, from the jar's manifest (the Maven project version). */
public final class Version implements IVersionProvider {
    public static String string() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"ternd " + string()};
    }
}
