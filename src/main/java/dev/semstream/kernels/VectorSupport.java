package dev.semstream.kernels;

/**
 * Whether the SIMD kernels are used: {@code jdk.incubator.vector} is in this JVM's boot layer and
 * {@code -Dsemstream.simd=false} does not turn them off. {@link VectorKernels} and
 * {@link VectorSearchKernels} are only loaded, by name, after that is known, so a JVM started without
 * {@code --add-modules jdk.incubator.vector} never links against the module and falls back to the scalar
 * kernels.
 */
final class VectorSupport {
    private VectorSupport() {
    }

    static boolean chosen() {
        boolean wanted = Boolean.parseBoolean(System.getProperty("semstream.simd", "true"));
        return wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    static Kernels kernels() {
        return (Kernels) instance("dev.semstream.kernels.VectorKernels");
    }

    static SearchKernels searchKernels() {
        return (SearchKernels) instance("dev.semstream.kernels.VectorSearchKernels");
    }

    private static Object instance(String className) {
        try {
            return Class.forName(className).getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("jdk.incubator.vector is present but " + className + " failed to load", e);
        }
    }
}
