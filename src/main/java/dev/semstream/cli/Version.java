package dev.semstream.cli;

import picocli.CommandLine;

/** Version from the jar manifest (set by Maven), or "dev" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[]{"semstream " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
    }
}
