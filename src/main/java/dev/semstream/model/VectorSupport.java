package dev.semstream.model;

/**
 * Whether {@code jdk.incubator.vector} is in this JVM's boot layer. {@link VectorKernels} is only
 * loaded, by name, after that is known, so a JVM started without {@code --add-modules
 * jdk.incubator.vector} never links against the module and falls back to the scalar kernels.
 */
final class VectorSupport {
    private VectorSupport() {
    }

    static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static Kernels kernels() {
        try {
            return (Kernels) Class.forName("dev.semstream.model.VectorKernels")
                    .getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ModelException("jdk.incubator.vector is present but the vector kernels failed to load", e);
        }
    }
}
